// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const swcTransform = base.transform['^.+\\.(t|j)sx?$'];

module.exports = {
  // Jest configuration provided by Grafana scaffolding
  ...base,
  displayName: 'grafana-plugin',
  rootDir: __dirname,
  transform: {
    ...base.transform,
    // d3-color and friends ship only .mjs files.
    '^.+\\.mjs$': swcTransform,
  },
};
