// For a block that is one property of createPulse's options (`db: { … }`, `health: { … }`).
import { createPulse } from '@pulse-apm/exporter';

const pulse = createPulse({
  serviceName: 'docs-test',
  /* BLOCK */
});
await pulse.shutdown();
