export * from './lib/stores';
