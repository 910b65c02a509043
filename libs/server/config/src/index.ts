export * from './lib/duet-config';
export * from './lib/ice-config';
export * from './lib/load-config';
export * from './lib/network-config';
export * from './lib/settings-report';
