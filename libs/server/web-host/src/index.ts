export * from './lib/web-host.module';
export * from './lib/security-headers';
