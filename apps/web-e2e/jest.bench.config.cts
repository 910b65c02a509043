/*
 * Browser timings, run by `npm run bench` (its `browser` phase), never by `npm test`: a time is no
 * assertion on a shared machine. They live here because they drive Chromium with the e2e support code.
 */
const e2e = require('./jest.config.cts');

module.exports = {
  ...e2e,
  displayName: 'web-bench',
  testMatch: ['<rootDir>/src/bench/**/*.bench-spec.ts'],
  // One at a time: a second file beside a timing would be measured too.
  maxWorkers: 1,
};
