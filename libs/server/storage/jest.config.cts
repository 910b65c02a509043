const esmDeps = require('../../../tools/jest/esm-deps.cjs');

module.exports = {
  displayName: 'server-storage',
  preset: '../../../jest.preset.js',
  testEnvironment: '<rootDir>/../../../tools/jest/node-environment.cjs',
  // Real databases (a PostgreSQL server, pg's sockets) close asynchronously: check leaks per file.
  testEnvironmentOptions: { customExportConditions: ['node', 'require', 'default'], leakCheck: 'per-file' },
  transform: {
    ...esmDeps.transform,
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  transformIgnorePatterns: esmDeps.transformIgnorePatterns,
  moduleFileExtensions: ['ts', 'js', 'html'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.integration-spec.ts'],
  coverageDirectory: '../../../coverage/libs/server/storage',
  testTimeout: 30_000,
};
