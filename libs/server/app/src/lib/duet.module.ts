import { builtInAuthenticator, ConnectionAuthenticator } from '@duet/server/auth';
import { DUET_CONFIG, DuetConfig, loadConfig } from '@duet/server/config';
import { ConfiguredIceServerIssuer, IceServerIssuer } from '@duet/server/ice';
import { NoSignalingMetrics, RingTimer, SignalingMetrics, SignalingModule, UserRegistryService } from '@duet/server/signaling';
import { DynamicModule, InjectionToken, Module, ModuleMetadata, OptionalFactoryDependency, Provider, Type } from '@nestjs/common';

/** What an application may replace. Each is a Nest provider class: it may inject anything `imports` provide. */
export interface DuetExtensions {
  /** Who may open `/ws`, and as whom (default: `AUTH_MODE`'s). See docs/auth.md. */
  readonly authenticator?: Type<ConnectionAuthenticator>;
  /** Who is online and in which call (default: in memory; `RedisUserRegistry` to share it between instances). */
  readonly registry?: Type<UserRegistryService>;
  /** Ends unanswered calls (default: a timer in this process; `RedisRingTimer` beside `RedisUserRegistry`). */
  readonly ringTimer?: Type<RingTimer>;
  /** Modules the registry and ring timer inject (e.g. `RedisRegistryModule.forRoot(...)`). */
  readonly registryImports?: ModuleMetadata['imports'];
  /** STUN/TURN servers per user (default: `ICE_SERVERS` and `TURN_*`). */
  readonly iceServerIssuer?: Type<IceServerIssuer>;
  /** Where signaling reports what operators watch (default: nowhere; the standalone server: Prometheus). */
  readonly metrics?: Type<SignalingMetrics>;
  /** Modules whose providers the classes above inject (your users service, your HTTP client...). */
  readonly imports?: ModuleMetadata['imports'];
}

export interface DuetModuleOptions extends DuetExtensions {
  /** Settings; default: read and validated from the environment, like the standalone server. */
  readonly config?: DuetConfig;
}

export interface DuetModuleAsyncOptions extends DuetExtensions {
  /** Builds the settings from your own services (e.g. your ConfigService). */
  readonly useFactory: (...dependencies: never[]) => DuetConfig | Promise<DuetConfig>;
  readonly inject?: (InjectionToken | OptionalFactoryDependency)[];
}

/**
 * Duet's signaling, to import into any Nest application: `/ws` (the WebSocket) and
 * `/ws/admission`, on the application's own HTTP server, beside its own controllers and guards.
 * Then call `useDuetSignaling(app)` before `listen`. The standalone server is this module plus
 * the web app (`DuetAppModule`).
 */
@Module({})
export class DuetModule {
  static forRoot(options: DuetModuleOptions = {}): DynamicModule {
    return DuetModule.with({ provide: DUET_CONFIG, useValue: options.config ?? loadConfig() }, options);
  }

  static forRootAsync(options: DuetModuleAsyncOptions): DynamicModule {
    return DuetModule.with({ provide: DUET_CONFIG, useFactory: options.useFactory, inject: options.inject ?? [] }, options);
  }

  private static with(
    config: Provider,
    { authenticator, registry, ringTimer, registryImports, iceServerIssuer, metrics = NoSignalingMetrics, imports = [] }: DuetExtensions,
  ): DynamicModule {
    return {
      module: DuetModule,
      global: true,
      imports: [...imports, SignalingModule.forRoot({ registry, ringTimer, imports: registryImports })],
      providers: [
        config,
        authenticator
          ? { provide: ConnectionAuthenticator, useClass: authenticator }
          : { provide: ConnectionAuthenticator, useFactory: (duet: DuetConfig) => builtInAuthenticator(duet.auth), inject: [DUET_CONFIG] },
        iceServerIssuer
          ? { provide: IceServerIssuer, useClass: iceServerIssuer }
          : { provide: IceServerIssuer, useFactory: (duet: DuetConfig) => new ConfiguredIceServerIssuer(duet.ice), inject: [DUET_CONFIG] },
        { provide: SignalingMetrics, useClass: metrics },
      ],
      exports: [DUET_CONFIG, ConnectionAuthenticator, IceServerIssuer, SignalingMetrics, SignalingModule],
    };
  }
}
