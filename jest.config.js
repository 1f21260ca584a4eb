// Tests run on the compiled output (dist/) as native ES modules: Nest 12 is ESM-only and jest's
// CommonJS loader cannot require it. `npm test` builds first; see scripts/test.sh.
// Suites named *.lab.spec.ts break services on purpose and run afterwards, one at a time
// (jest.lab.config.js).
export default {
  rootDir: 'dist',
  testEnvironment: 'node',
  transform: {},
  testMatch: ['<rootDir>/libs/**/*.spec.js', '<rootDir>/apps/**/*.spec.js', '<rootDir>/test/**/*.spec.js'],
  testPathIgnorePatterns: ['/node_modules/', '\\.lab\\.spec\\.js$'],
  globalSetup: '<rootDir>/test/setup/global-setup.js',
  globalTeardown: '<rootDir>/test/setup/global-teardown.js',
  testTimeout: 180_000,
  maxWorkers: 2,
  verbose: true,
};
