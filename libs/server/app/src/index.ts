export * from './lib/duet.module';
export * from './lib/duet-app.module';
export * from './lib/create-duet-app';
export * from './lib/tls';
export * from './lib/startup-banner';
export * from './lib/listen-errors';
export * from './lib/shutdown-signals';
