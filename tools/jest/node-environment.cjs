/** Jest's node environment with Duet's leak check (see leak-checking-environment.cjs). */
'use strict';
const { TestEnvironment } = require('jest-environment-node');
const { withLeakCheck } = require('./leak-checking-environment.cjs');

module.exports = withLeakCheck(TestEnvironment);
