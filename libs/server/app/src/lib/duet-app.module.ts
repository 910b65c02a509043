import { AuthModule, ConnectionAuthenticator } from '@duet/server/auth';
import { DuetConfig } from '@duet/server/config';
import { IceModule, IceServerIssuer } from '@duet/server/ice';
import { RedisRegistryModule, RedisRingTimer, RedisUserRegistry } from '@duet/server/registry-redis';
import { SignalingModule, SignalingModuleOptions, UserRegistryService } from '@duet/server/signaling';
import { WebHostModule } from '@duet/server/web-host';
import { DynamicModule, Module, Type } from '@nestjs/common';

export interface DuetAppExtensions {
  /** An authenticator of your own instead of AUTH_MODE's (see docs/auth.md). */
  readonly authenticator?: Type<ConnectionAuthenticator>;
  /** A registry of your own instead of the in-memory one (tests use an inspectable one). */
  readonly registry?: Type<UserRegistryService>;
  /** An ICE server issuer of your own instead of ICE_SERVERS/TURN_* (e.g. your TURN provider's API). */
  readonly iceServerIssuer?: Type<IceServerIssuer>;
}

/** The whole server: signaling on `/ws`, the web app on `/`. Wiring only. */
@Module({})
export class DuetAppModule {
  static forRoot(config: DuetConfig, extensions: DuetAppExtensions = {}): DynamicModule {
    return {
      module: DuetAppModule,
      imports: [
        AuthModule.forRoot({ config: config.auth, authenticator: extensions.authenticator }),
        IceModule.forRoot({ config: config.ice, issuer: extensions.iceServerIssuer }),
        SignalingModule.forRoot({
          presenceLimit: config.presenceLimit,
          publicOrigin: config.publicOrigin,
          allowedOrigins: config.allowedOrigins,
          limits: config.limits,
          trustProxy: config.trustProxy,
          ...registryOf(config, extensions),
        }),
        WebHostModule.forRoot(config.webRoot),
      ],
    };
  }
}

/** In memory by default; Redis when `REDIS_URL` is set; a registry of your own over either. */
function registryOf(config: DuetConfig, extensions: DuetAppExtensions): Pick<SignalingModuleOptions, 'registry' | 'ringTimer' | 'imports'> {
  if (extensions.registry !== undefined || config.redis === undefined) return { registry: extensions.registry };
  return {
    registry: RedisUserRegistry,
    ringTimer: RedisRingTimer,
    imports: [
      RedisRegistryModule.forRoot({
        redis: config.redis,
        heartbeatIntervalMs: config.limits.heartbeatIntervalMs,
        ringTimeoutMs: config.limits.ringTimeoutMs,
      }),
    ],
  };
}
