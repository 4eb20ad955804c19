export * from './request-context';
export * from './trace-id';
export * from './otel';
export * from './span-id';
export * from './traceparent';
