// One jest run across the workspaces; each package keeps its own config.
module.exports = {
  projects: ['<rootDir>/exporter', '<rootDir>/alerting-rules'],
  testTimeout: 60000,
};
