export * from './lib/server-signaling.module';
