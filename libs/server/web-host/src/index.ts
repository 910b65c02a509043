export * from './lib/web-host.module';
