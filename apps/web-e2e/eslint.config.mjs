import baseConfig, { ALLOW_TEST_ONLY_IMPORTS } from '../../eslint.config.mjs';

export default [...baseConfig, ALLOW_TEST_ONLY_IMPORTS];
