const { join } = require('node:path');

/**
 * Kysely ships ES modules only: Node's require() loads them, Jest's does not. Every project whose
 * tests load `@duet/server/storage` (directly or through the app) spreads this into its jest
 * config, after its own `transform`, so ts-jest compiles those files to CommonJS, file by file.
 */
module.exports = {
  transform: {
    '/node_modules/kysely/.+\\.js$': ['ts-jest', { tsconfig: join(__dirname, 'esm-deps.tsconfig.json') }],
  },
  transformIgnorePatterns: ['/node_modules/(?!kysely/)'],
};
