export * from './request-context';
export * from './trace-id';
