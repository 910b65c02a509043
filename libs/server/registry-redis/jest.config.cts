module.exports = {
  displayName: 'server-registry-redis',
  preset: '../../../jest.preset.js',
  testEnvironment: '<rootDir>/../../../tools/jest/node-environment.cjs',
  // A real redis-server and real ioredis clients close their sockets asynchronously: check leaks per file.
  testEnvironmentOptions: { customExportConditions: ['node', 'require', 'default'], leakCheck: 'per-file' },
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/src/**/*.integration-spec.ts'],
  coverageDirectory: '../../../coverage/libs/server/registry-redis',
  testTimeout: 20_000,
};
