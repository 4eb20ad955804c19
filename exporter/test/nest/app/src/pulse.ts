import { createPulse } from '@pulse-apm/exporter';

// One Pulse for the process, imported by main.ts and the exception filter.
export const pulse = createPulse({
  serviceName: 'nest-shop',
  db: { pg: true },
});
