export * from './lib/duet-config';
