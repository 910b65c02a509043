export * from './lib/ice-server-issuer';
export * from './lib/ice.module';
export * from './lib/turn-rest-credential';
