/* Unit tests of the benchmark's own arithmetic (percentiles, medians, profile summary). */
const esmDeps = require('../../tools/jest/esm-deps.cjs');

module.exports = {
  displayName: 'bench',
  preset: '../../jest.preset.js',
  testEnvironment: '<rootDir>/../../tools/jest/node-environment.cjs',
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  transform: {
    ...esmDeps.transform,
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  transformIgnorePatterns: esmDeps.transformIgnorePatterns,
  moduleFileExtensions: ['ts', 'js'],
  coverageDirectory: '../../coverage/tools/bench',
};
