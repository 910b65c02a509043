export * from './lib/web-call/web-call';
