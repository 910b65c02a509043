export * from './lib/ops.module';
export * from './lib/prometheus-signaling-metrics';
export * from './lib/quiet-nest-logger';
