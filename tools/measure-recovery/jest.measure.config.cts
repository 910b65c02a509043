/*
 * The recovery measurement (README.md here): too slow for `npm test`, run by hand.
 * Named so that the @nx/jest plugin does not turn it into a `test` target.
 */
module.exports = {
  displayName: 'measure-recovery',
  preset: '../../jest.preset.js',
  testEnvironment: '<rootDir>/../../tools/jest/node-environment.cjs',
  testEnvironmentOptions: { customExportConditions: ['node', 'require', 'default'], leakCheck: 'per-file' },
  testMatch: ['<rootDir>/*.measure-spec.ts'],
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js'],
  maxWorkers: 1,
  forceExit: true,
  testTimeout: 3_600_000,
};
