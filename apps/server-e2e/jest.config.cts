const esmDeps = require('../../tools/jest/esm-deps.cjs');

module.exports = {
  displayName: 'server-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: '<rootDir>/../../tools/jest/node-environment.cjs',
  // A real server closes its side of each socket after the test's side: check leaks per file.
  testEnvironmentOptions: { customExportConditions: ['node', 'require', 'default'], leakCheck: 'per-file' },
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  transform: {
    ...esmDeps.transform,
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  transformIgnorePatterns: esmDeps.transformIgnorePatterns,
  moduleFileExtensions: ['ts', 'js'],
  // Two files at once, one per core of CI's 2-core machine: each file's servers, Redis and
  // PostgreSQL are its own, on free ports, and its tests wait on conditions, never on a time.
  // Measured on an idle machine: 120 s with one worker, 61-67 s with two (three runs; and green
  // with a busy loop taking a core).
  maxWorkers: 2,
  // The leak check fails a file that leaves a handle open; exiting then keeps CI from hanging on it.
  forceExit: true,
  testTimeout: 30_000,
};
