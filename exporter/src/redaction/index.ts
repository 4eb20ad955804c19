export * from './redact';
export { maskSecrets } from './mask-secrets';
export { redactChildBindings, redactLogArguments, redactLogFields } from './log-call';
