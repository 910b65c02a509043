module.exports = {
  displayName: 'server-storage',
  preset: '../../../jest.preset.js',
  testEnvironment: '<rootDir>/../../../tools/jest/node-environment.cjs',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../../coverage/libs/server/storage',
};
