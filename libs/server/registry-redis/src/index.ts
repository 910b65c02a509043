export * from './lib/redis-cluster';
export * from './lib/redis-registry.module';
export * from './lib/redis-user-registry.service';
export * from './lib/redis-ring-timer';
export * from './lib/redis-invite-revocations';
