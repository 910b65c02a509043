// Every project names its own `transform`; the preset's catch-all ts-jest transform would also
// compile tools/jest/*.cjs, and a second ts-jest set up in the process breaks jest-preset-angular.
// eslint-disable-next-line @typescript-eslint/no-unused-vars
const { transform, ...nxPreset } = require('@nx/jest/preset').default;

/**
 * Every project runs in an environment that fails a test leaving a timer, socket or process
 * behind (tools/jest/leak-checking-environment.cjs); node projects name node-environment.cjs.
 */
module.exports = {
  ...nxPreset,
  testEnvironment: require.resolve('./tools/jest/jsdom-environment.cjs'),
};
