import baseConfig, { ALLOW_TEST_ONLY_IMPORTS } from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  ALLOW_TEST_ONLY_IMPORTS,
  // The measurement drives calls with the browser suite's own helpers (apps/web-e2e/src/support),
  // which live in an app, not a library: imported by path, as tools/measure-effects does.
  { files: ['*.measure-spec.ts'], rules: { '@nx/enforce-module-boundaries': 'off' } },
];
