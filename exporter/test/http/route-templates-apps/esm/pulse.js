import { createPulse } from '@pulse-apm/exporter';

export const pulse = createPulse({ serviceName: 'layout-app' });
