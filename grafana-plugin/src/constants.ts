import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;
export { APP_BASE_URL as PLUGIN_BASE_URL } from './queries/links';
