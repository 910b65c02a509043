module.exports = {
  displayName: 'server-push',
  preset: '../../../jest.preset.js',
  testEnvironment: '<rootDir>/../../../tools/jest/node-environment.cjs',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../../../coverage/libs/server/push',
};
