export * from './lib/connection-authenticator';
export * from './lib/bearer-token';
export * from './lib/jwt-authenticator';
export * from './lib/built-in-authenticator';
export * from './lib/oidc-discovery';
export * from './lib/oidc-client-check';
export * from './lib/auth-settings.controller';
export * from './lib/account.guard';
