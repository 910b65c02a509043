import { ACCOUNT_SETTINGS, AuthSettingsController, builtInAuthenticator, ConnectionAuthenticator, connectToOidcProvider, OIDC_DISCOVERY, OidcDiscovery } from '@duet/server/auth';
import { AccountsConfig, DUET_CONFIG, DuetConfig, loadConfig } from '@duet/server/config';
import { ConfiguredIceServerIssuer, IceServerIssuer } from '@duet/server/ice';
import { guestAware, InviteChecks, InvitesModule } from '@duet/server/invites';
import { PushModule, pushAccountSettings, VapidKeys, WebPushCalleeDevices } from '@duet/server/push';
import { RedisInviteRevocations, RedisRegistryModule, RedisRingTimer, RedisUserRegistry } from '@duet/server/registry-redis';
import { SqlCallJournal, SqlDeviceRingStore, StorageModule } from '@duet/server/storage';
import {
  CallActivation,
  InMemoryUserRegistry,
  InviteRevocations,
  NoSignalingMetrics,
  RingTimer,
  SignalingMetrics,
  SignalingModule,
  UserRegistryService,
} from '@duet/server/signaling';
import { AccountsOffController } from './accounts-off.controller';
import { DynamicModule, INestApplicationContext, InjectionToken, Logger, Module, ModuleMetadata, OptionalFactoryDependency, Provider, Type } from '@nestjs/common';

/** What an application may replace. Each is a Nest provider class: it may inject anything `imports` provide. */
export interface DuetExtensions {
  /** Who may open `/ws`, and as whom (default: `AUTH_MODE`'s). See docs/auth.md. */
  readonly authenticator?: Type<ConnectionAuthenticator>;
  /**
   * Who is online and in which call (default: in memory, or Redis when the settings name one:
   * `config.redis`, from `REDIS_URL`). Yours, when given, is used whatever the settings say.
   */
  readonly registry?: Type<UserRegistryService>;
  /** Ends unanswered calls (default: a timer in this process; `RedisRingTimer` beside `RedisUserRegistry`). */
  readonly ringTimer?: Type<RingTimer>;
  /** How a revoked invite reaches every instance (default: this process; `RedisInviteRevocations` beside `RedisUserRegistry`). */
  readonly inviteRevocations?: Type<InviteRevocations>;
  /** Modules the registry and ring timer inject (e.g. `RedisRegistryModule.forRoot(...)`). */
  readonly registryImports?: ModuleMetadata['imports'];
  /** STUN/TURN servers per user (default: `ICE_SERVERS` and `TURN_*`). */
  readonly iceServerIssuer?: Type<IceServerIssuer>;
  /** Where signaling reports what operators watch (default: nowhere; the standalone server: Prometheus). */
  readonly metrics?: Type<SignalingMetrics>;
  /** Told of each call that becomes active (default: nothing; the standalone server: the call reports' keys). */
  readonly callActivation?: Type<CallActivation>;
  /** Modules whose providers the classes above inject (your users service, your HTTP client...). */
  readonly imports?: ModuleMetadata['imports'];
}

export interface DuetModuleOptions extends DuetExtensions {
  /** Settings; default: read and validated from the environment, like the standalone server. */
  readonly config?: DuetConfig;
  /**
   * With `AUTH_MODE=oidc`: the provider's discovery document, if already fetched (`discoverOidc`);
   * default: fetched while the application starts.
   */
  readonly oidcDiscovery?: OidcDiscovery;
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
    const config = options.config ?? loadConfig();
    return DuetModule.with({ provide: DUET_CONFIG, useValue: config }, { ...options, ...registryOf(config, options) }, options.oidcDiscovery, config.accounts);
  }

  /**
   * `/auth/settings` is served too. The registry is chosen when the module is defined, before `useFactory` has made the settings:
   * settings that name a Redis (`config.redis`) need the Redis registry passed in as well, or the
   * start is refused with a message that says so (never an in-memory registry without a word).
   */
  static forRootAsync(options: DuetModuleAsyncOptions): DynamicModule {
    const module = DuetModule.with({ provide: DUET_CONFIG, useFactory: options.useFactory, inject: options.inject ?? [] }, options);
    const checks: Provider[] = [{ provide: ACCOUNTS_MATCH_SETTINGS, useFactory: warnUnappliedAccounts, inject: [DUET_CONFIG] }];
    if (options.registry === undefined) checks.push({ provide: REGISTRY_MATCHES_SETTINGS, useFactory: refuseUnappliedRedis, inject: [DUET_CONFIG] });
    return { ...module, providers: [...(module.providers ?? []), ...checks] };
  }

  private static with(
    config: Provider,
    { authenticator, registry, ringTimer, inviteRevocations, registryImports, iceServerIssuer, metrics = NoSignalingMetrics, callActivation, imports = [] }: DuetExtensions,
    oidcDiscovery?: OidcDiscovery,
    accounts?: AccountsConfig,
  ): DynamicModule {
    // Accounts (AUTH_MODE=jwt or oidc): the database and Web Push, both global, so signaling's
    // journal, ring store and devices find the database, the stores and the sender they inject.
    // Invites too (issue 25): guests get in through the application's authenticator, wrapped.
    const accountModules = accounts === undefined ? [] : [StorageModule.forRoot(accounts), PushModule.forRoot(), InvitesModule.forRoot()];
    return {
      module: DuetModule,
      global: true,
      imports: [
        ...imports,
        ...accountModules,
        SignalingModule.forRoot({
          registry,
          ringTimer,
          inviteRevocations,
          callActivation,
          imports: registryImports,
          accounts: accounts === undefined ? undefined : { journal: SqlCallJournal, devices: WebPushCalleeDevices, deviceRings: SqlDeviceRingStore },
        }),
      ],
      controllers: accounts === undefined ? [AuthSettingsController, AccountsOffController] : [AuthSettingsController],
      providers: [
        config,
        ...(accounts === undefined ? [] : [{ provide: ACCOUNT_SETTINGS, useFactory: pushAccountSettings, inject: [VapidKeys, DUET_CONFIG] }]),
        oidcDiscovery
          ? { provide: OIDC_DISCOVERY, useValue: oidcDiscovery }
          : { provide: OIDC_DISCOVERY, useFactory: discoveryOf, inject: [DUET_CONFIG] },
        ...authenticatorProviders(authenticator, accounts !== undefined),
        iceServerIssuer
          ? { provide: IceServerIssuer, useClass: iceServerIssuer }
          : { provide: IceServerIssuer, useFactory: (duet: DuetConfig) => new ConfiguredIceServerIssuer(duet.ice), inject: [DUET_CONFIG] },
        { provide: SignalingMetrics, useClass: metrics },
      ],
      exports: [DUET_CONFIG, OIDC_DISCOVERY, ConnectionAuthenticator, IceServerIssuer, SignalingMetrics, SignalingModule],
    };
  }
}

/** The application's own authenticator (or AUTH_MODE's), before guests are let in. */
const MEMBER_AUTHENTICATOR = Symbol('MEMBER_AUTHENTICATOR');

/**
 * The members' authenticator (`authenticator`, else AUTH_MODE's) is what `ConnectionAuthenticator`
 * resolves to; with accounts it is wrapped by `guestAware`, so guest tokens are decided by the
 * invites module and every other token still reaches it unchanged.
 */
function authenticatorProviders(authenticator: Type<ConnectionAuthenticator> | undefined, withInvites: boolean): Provider[] {
  const members: Provider = authenticator
    ? { provide: MEMBER_AUTHENTICATOR, useClass: authenticator }
    : {
        provide: MEMBER_AUTHENTICATOR,
        useFactory: (duet: DuetConfig, discovery: OidcDiscovery | null) => builtInAuthenticator(duet.auth, discovery),
        inject: [DUET_CONFIG, OIDC_DISCOVERY],
      };
  const wrapped: Provider = withInvites
    ? { provide: ConnectionAuthenticator, useFactory: guestAware, inject: [MEMBER_AUTHENTICATOR, InviteChecks] }
    : { provide: ConnectionAuthenticator, useExisting: MEMBER_AUTHENTICATOR };
  return [members, wrapped];
}

/** The provider's discovery document with `AUTH_MODE=oidc` (fetched while the application starts), else null. */
async function discoveryOf(config: DuetConfig): Promise<OidcDiscovery | null> {
  return config.auth.mode === 'oidc' ? connectToOidcProvider(config.auth) : null;
}

const REGISTRY_MATCHES_SETTINGS = Symbol('REGISTRY_MATCHES_SETTINGS');
const ACCOUNTS_MATCH_SETTINGS = Symbol('ACCOUNTS_MATCH_SETTINGS');

/**
 * `forRootAsync` makes its settings too late to choose modules, so settings with accounts run
 * without them (no history, no push; `/auth/settings` says so to the app): said once at start-up,
 * never silently, and never a refusal, which would break applications that embedded Duet before
 * accounts existed.
 */
function warnUnappliedAccounts(config: DuetConfig): true {
  if (config.accounts === undefined) return true;
  new Logger('Duet').warn(
    'DuetModule.forRootAsync runs without accounts (no call history, no ringing of closed apps): they need the database and Web Push modules ' +
      'chosen before the settings are made. Use DuetModule.forRoot({ config }), which applies config.accounts, to have them.',
  );
  return true;
}

function refuseUnappliedRedis(config: DuetConfig): true {
  if (config.redis === undefined) return true;
  throw new Error(
    'DuetModule.forRootAsync: the settings name a Redis (config.redis), but no registry was passed, so users would stay in memory on this ' +
      'instance alone. Pass registry: RedisUserRegistry, ringTimer: RedisRingTimer and registryImports: [RedisRegistryModule.forRoot(...)] ' +
      '(from @duet/server/registry-redis), or use DuetModule.forRoot({ config }), which applies config.redis itself.',
  );
}

/** In memory by default; Redis when the settings name one; a registry of your own over either. */
export function registryOf(
  config: DuetConfig,
  extensions: DuetExtensions,
): Pick<DuetExtensions, 'registry' | 'ringTimer' | 'inviteRevocations' | 'registryImports'> {
  if (extensions.registry !== undefined || config.redis === undefined) return {};
  return {
    registry: RedisUserRegistry,
    ringTimer: RedisRingTimer,
    inviteRevocations: RedisInviteRevocations,
    registryImports: [
      RedisRegistryModule.forRoot({
        redis: config.redis,
        heartbeatIntervalMs: config.limits.heartbeatIntervalMs,
        ringTimeoutMs: config.limits.ringTimeoutMs,
      }),
    ],
  };
}

/** What holds the users of a running app, for its start-up line: `redis`, `in-memory`, or your registry's class. */
export function registryInUse(app: INestApplicationContext): string {
  const registry = app.get(UserRegistryService);
  if (registry instanceof RedisUserRegistry) return 'redis';
  if (registry instanceof InMemoryUserRegistry) return 'in-memory';
  return registry.constructor.name;
}
