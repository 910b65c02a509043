/*
 * The smoke run: all three servers, small N, a few seconds. It checks the benchmark itself (every
 * candidate delivered once to the right peer, no error replies, every server measured), never timings.
 * Named so that the @nx/jest plugin does not turn it into a `test` target: it runs as `e2e` only.
 */
module.exports = {
  displayName: 'bench-e2e',
  preset: '../../jest.preset.js',
  testEnvironment: '<rootDir>/../../tools/jest/node-environment.cjs',
  // A real server closes its side of each socket after the test's side: check leaks per file.
  testEnvironmentOptions: { customExportConditions: ['node', 'require', 'default'], leakCheck: 'per-file' },
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  maxWorkers: 1,
  // The leak check fails a file that leaves a handle open; exiting then keeps CI from hanging on it.
  forceExit: true,
  testTimeout: 90_000,
};
