/** Jest's jsdom environment with Duet's leak check (see leak-checking-environment.cjs). */
'use strict';
const { TestEnvironment } = require('jest-environment-jsdom');
const { withLeakCheck } = require('./leak-checking-environment.cjs');

module.exports = withLeakCheck(TestEnvironment);
