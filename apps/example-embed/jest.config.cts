const esmDeps = require('../../tools/jest/esm-deps.cjs');

module.exports = {
  displayName: 'example-embed',
  preset: '../../jest.preset.js',
  testEnvironment: '<rootDir>/../../tools/jest/node-environment.cjs',
  // A real server closes its side of each socket after the test's side: check leaks per file.
  testEnvironmentOptions: { customExportConditions: ['node', 'require', 'default'], leakCheck: 'per-file' },
  transform: {
    ...esmDeps.transform,
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  transformIgnorePatterns: esmDeps.transformIgnorePatterns,
  moduleFileExtensions: ['ts', 'js'],
  coverageDirectory: '../../coverage/apps/example-embed',
};
