// Unit tests of the benchmark harness (its statistics: what it prints, and when it cannot tell).
// The harness is plain ESM (.mjs, run by `node`); SWC transpiles it to CommonJS for jest.
module.exports = {
  displayName: 'bench',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleFileExtensions: ['ts', 'mjs', 'js', 'json'],
  transform: {
    '^.+\\.(ts|mjs)$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
};
