import { DynamicModule, Module } from '@nestjs/common';
import { REDIS_REGISTRY_OPTIONS, RedisCluster, RedisRegistryOptions } from './redis-cluster';

/**
 * The Redis connection and this instance's identity, for `DuetModule.forRoot({ registry:
 * RedisUserRegistry, ringTimer: RedisRingTimer, registryImports: [RedisRegistryModule.forRoot(...)] })`.
 */
@Module({})
export class RedisRegistryModule {
  static forRoot(options: RedisRegistryOptions): DynamicModule {
    return {
      module: RedisRegistryModule,
      providers: [{ provide: REDIS_REGISTRY_OPTIONS, useValue: options }, RedisCluster],
      exports: [RedisCluster],
    };
  }
}
