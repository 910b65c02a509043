const esmDeps = require('../../../tools/jest/esm-deps.cjs');

module.exports = {
  displayName: 'server-push',
  preset: '../../../jest.preset.js',
  testEnvironment: '<rootDir>/../../../tools/jest/node-environment.cjs',
  // The sender's specs run a real HTTPS push endpoint, whose sockets close asynchronously: check leaks per file.
  testEnvironmentOptions: { leakCheck: 'per-file' },
  transform: {
    ...esmDeps.transform,
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  transformIgnorePatterns: esmDeps.transformIgnorePatterns,
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../../coverage/libs/server/push',
};
