// One jest run across the workspaces; each package keeps its own config.
module.exports = {
  projects: ['<rootDir>/exporter'],
  testTimeout: 60000,
};
