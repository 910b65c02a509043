export * from './lib/username';
export * from './lib/client-messages';
export * from './lib/server-messages';
export * from './lib/error-codes';
export * from './lib/parse';
export * from './lib/close-codes';
export * from './lib/auth-settings';
export * from './lib/accounts';
