// One jest run across the workspaces; each package keeps its own config.
module.exports = {
  projects: [
    '<rootDir>/exporter',
    '<rootDir>/alerting-rules',
    '<rootDir>/provisioning',
    '<rootDir>/grafana-plugin',
    '<rootDir>/demo',
    '<rootDir>/scripts',
    '<rootDir>/bench',
  ],
  testTimeout: 60000,
};
