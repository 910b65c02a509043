export * from './lib/ice-server-issuer';
export * from './lib/turn-rest-credential';
