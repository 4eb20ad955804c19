const { createPulse } = require('@pulse-apm/exporter');

module.exports = { pulse: createPulse({ serviceName: 'layout-app' }) };
