export * from './lib/duet-app.module';
export * from './lib/create-duet-app';
