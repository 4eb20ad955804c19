// The demo's programmatic API: what `npm run demo`, the compose services and the tests start.
export { startDemo } from './start-demo';
export type { DemoOptions, RunningDemo } from './start-demo';
export { startPayments } from './payments/start';
export type { PaymentsOptions, RunningPayments } from './payments/start';
export { TEST_CARDS } from './payments/app';
export { startTraffic } from './traffic/generator';
export type { TrafficOptions } from './traffic/generator';
export { TrafficTargetError, checkTrafficTarget, allowedTargetsFromEnv } from './traffic/targets';
export { driveBurst, burstSteps } from './traffic/burst';
export type { BurstResult, BurstStep } from './traffic/burst';
export { DEMO_ROUTES } from './api/app';
export { startEmbeddedPostgres } from './db/embedded-postgres';
