export * from './lib/connection-authenticator';
export * from './lib/bearer-token';
export * from './lib/jwt-authenticator';
export * from './lib/built-in-authenticator';
