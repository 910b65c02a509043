// Real processes for tests and their helpers: imported by specs, integration tests and the e2e
// suites only, never by product code (eslint.config.mjs enforces both).
export * from './lib/child';
export * from './lib/free-port';
export * from './lib/headless-sign-in';
export * from './lib/oidc-provider';
export * from './lib/postgres-server';
export * from './lib/push-endpoint';
export * from './lib/redis-server';
export * from './lib/server-process';
export * from './lib/tcp-proxy';
export * from './lib/turn-server';
export * from './lib/wait-for';
