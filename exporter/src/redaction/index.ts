export * from './redact';
export { maskSecrets } from './mask-secrets';
