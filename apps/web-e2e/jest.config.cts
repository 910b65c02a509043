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
  // on free ports (coturn's relay ports per worker: libs/testing/processes turn-server.ts). One file at a time left
  // one of CI's two cores idle while a test waited on ICE, timers and page loads (7 min 40 s on an
  // idle machine); more workers than cores would only queue for the CPU, as each file already runs
  // a server and several renderers. Tests wait on conditions, never on a time.
  maxWorkers: 2,
  // The leak check fails a file that leaves a handle open; exiting then keeps CI from hanging on it.
  forceExit: true,
  testTimeout: 30_000,
};
