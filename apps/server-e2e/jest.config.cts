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
  // Real servers and browsers: one file at a time on a 2-core machine keeps timings sane.
  maxWorkers: 1,
  // The leak check fails a file that leaves a handle open; exiting then keeps CI from hanging on it.
  forceExit: true,
  testTimeout: 30_000,
};
