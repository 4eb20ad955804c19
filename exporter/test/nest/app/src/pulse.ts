import { createPulse } from '@pulse-apm/exporter';

// One Pulse for the process: main.ts and the exception filter import it.
export const pulse = createPulse({
  serviceName: 'shop-api',
  db: { pg: true },
});
