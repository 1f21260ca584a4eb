// The fault lab (test/faults/*.lab.spec.ts): each suite runs a Berth of its own with private
// Postgres, Redis or Docker engine that it stops, restarts, freezes or kills. They run after the
// other suites, one at a time, so their timings are not skewed by the parallel run.
export default {
  rootDir: 'dist',
  testEnvironment: 'node',
  transform: {},
  testMatch: ['<rootDir>/test/**/*.lab.spec.js'],
  testTimeout: 300_000,
  maxWorkers: 1,
  verbose: true,
};
