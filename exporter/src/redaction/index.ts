export * from './redact';
export { maskSecrets } from './mask-secrets';
export { redactLogArguments, redactLogFields } from './log-call';
