/** @type {import('jest').Config} */
const transform = { '^.+\\.ts$': 'ts-jest' };

module.exports = {
  // A bound for hung tests, not a speed assertion: some e2e tests wait for retries and stalled jobs.
  testTimeout: 60_000,
  // Two spec files at once: e2e specs mostly wait on processes and timers, and each test app has
  // its own Redis key prefix and blob container (docs/decisions/parallel-e2e-specs.md).
  maxWorkers: 2,
  testSequencer: '<rootDir>/test/support/slow-first.sequencer.mjs',
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      moduleFileExtensions: ['ts', 'js', 'json'],
      testMatch: [
        '<rootDir>/src/**/*.spec.ts',
        '<rootDir>/tools/**/*.spec.ts',
        '<rootDir>/bench/**/*.spec.ts',
      ],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      moduleFileExtensions: ['ts', 'js', 'json'],
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
