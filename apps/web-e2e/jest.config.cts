module.exports = {
  displayName: 'web-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: '<rootDir>/../../tools/jest/node-environment.cjs',
  // A real server closes its side of each socket after the test's side: check leaks per file.
  testEnvironmentOptions: { customExportConditions: ['node', 'require', 'default'], leakCheck: 'per-file' },
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  setupFilesAfterEnv: ['<rootDir>/src/support/no-csp-violations.ts'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  // Two files at once, each with its own server, Chromium and (where used) coturn and redis-server
  // on free ports (coturn's relay ports per worker: support/turn-server.ts). On this 2-core machine
  // one file at a time left a core idle while a test waited on timers and ICE: the suite took
  // 7 min 40 s serially and about half that with two workers; three would only queue for the CPU.
  // Tests wait on conditions, never on a time, so the load of the other file slows them, never fails them.
  maxWorkers: 2,
  // The leak check fails a file that leaves a handle open; exiting then keeps CI from hanging on it.
  forceExit: true,
  testTimeout: 30_000,
};
