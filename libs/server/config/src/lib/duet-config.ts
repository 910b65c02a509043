/**
 * The configuration the server runs with, as types: what each setting means and its bounds.
 * Parsed from the environment by `loadConfig` (`load-config.ts`, rules in `env-schema.ts`).
 */
import { IceConfig } from './ice-config';
import { TlsConfig, TrustProxyConfig } from './network-config';

/** How WebSocket upgrades are authenticated. */
export type AuthConfig =
  | { readonly mode: 'none' }
  | {
      readonly mode: 'jwt';
      /** HS256 shared secret; exactly one of `secret`, `publicKeyFile` and `jwksUrl` is set. */
      readonly secret: string | undefined;
      /** PEM public key: RSA -> RS256, EC P-256 -> ES256, EC P-384 -> ES384. */
      readonly publicKeyFile: string | undefined;
      /** An identity provider's published keys (JWKS), fetched, cached and refreshed on an unknown `kid`. */
      readonly jwksUrl: string | undefined;
      /** Least time between JWKS fetches; not an environment variable (5 s); tests may change it. */
      readonly jwksCooldownMs?: number;
      readonly issuer: string | undefined;
      readonly audience: string | undefined;
      /** The claim that holds the username. */
      readonly usernameClaim: string;
    }
  | {
      /** Company sign-in: the web app signs people in at an OpenID provider and sends its ID tokens. */
      readonly mode: 'oidc';
      /** The provider (`iss` of its tokens); its discovery document is fetched at start-up. */
      readonly issuer: string;
      /** Duet's client id at the provider: the ID tokens' audience. */
      readonly clientId: string;
      /** Space-separated, with `openid`; what the web app asks for. */
      readonly scopes: string;
      /** The claim that holds the username; undefined: the first of preferred_username, email, sub that is a valid name. */
      readonly usernameClaim: string | undefined;
      /** Least time between JWKS fetches; not an environment variable (5 s); tests may change it. */
      readonly jwksCooldownMs?: number;
    };

/** Bounds on what one client, or all of them, may cost. Every one has a finite default. */
export interface LimitsConfig {
  /** Largest inbound WebSocket frame; bigger ones close the socket with 1009. */
  readonly maxPayloadBytes: number;
  /** Token bucket per connection: sustained messages per second... */
  readonly messagesPerSecond: number;
  /** ...and how many may arrive at once. */
  readonly messageBurst: number;
  readonly maxConnections: number;
  readonly maxConnectionsPerIp: number;
  /** A connection that has not logged in by then is closed (1008). */
  readonly loginTimeoutMs: number;
  /** The server pings this often; a socket that did not answer the previous ping is dropped. */
  readonly heartbeatIntervalMs: number;
  /** A call nobody answers ends after this long; both sides are told. */
  readonly ringTimeoutMs: number;
  /** On SIGTERM/SIGINT, clients get this long to close before the process exits anyway. */
  readonly shutdownTimeoutMs: number;
  /** An HTTP request must have sent all its headers by then, or its connection is closed. */
  readonly httpHeadersTimeoutMs: number;
  /**
   * How long a session whose socket dropped is held for the client to resume it (name, call,
   * messages), and how long a call claimed after a restart waits for its other party. 0: never.
   */
  readonly resumeWindowMs: number;
}

/**
 * Many instances sharing one directory of users (`REDIS_URL`): names, calls, presence and
 * cross-instance delivery live in Redis. Absent, the registry is in memory (one instance).
 */
export interface RedisConfig {
  /** `redis://[user:password@]host[:port][/db]` or `rediss://` (TLS); may hold a password: never print it. */
  readonly url: string;
  /** Prepended to every key and channel, so deployments (or tests) can share one Redis. */
  readonly keyPrefix: string;
}

/** Everything an operator can set, already validated and typed. */
export interface DuetConfig {
  /** TCP port for HTTP and the `/ws` WebSocket. */
  readonly port: number;
  /** Interface to listen on; all interfaces when absent. */
  readonly host: string | undefined;
  /** Directory of the built web app; absent means "next to the server bundle". */
  readonly webRoot: string | undefined;
  /** STUN/TURN for browsers, handed out at login; no servers means host candidates only (LAN, loopback). */
  readonly ice: IceConfig;
  readonly tls: TlsConfig;
  /** Whose `X-Forwarded-For` to believe for the client's address (per-address limits, logs). */
  readonly trustProxy: TrustProxyConfig;
  /** Most names in the `users` list, and the online count up to which presence is pushed. */
  readonly presenceLimit: number;
  /** The origin people open Duet at (`PUBLIC_URL`), e.g. `https://duet.example.com`; always allowed. */
  readonly publicOrigin: string | undefined;
  /**
   * Origins allowed to open the WebSocket besides `publicOrigin`; absent means this machine's own
   * names and addresses, and localhost (never whatever the request's `Host` claims).
   */
  readonly allowedOrigins: readonly string[] | undefined;
  readonly auth: AuthConfig;
  readonly limits: LimitsConfig;
  /** Undefined: the in-memory registry (one instance, no Redis needed). */
  readonly redis: RedisConfig | undefined;
  /** Durable per-user data; undefined with `AUTH_MODE=none` (names are not accounts there). */
  readonly accounts: AccountsConfig | undefined;
  readonly ops: OpsConfig;
  /**
   * `MAX_VIDEO_BITRATE_KBPS`: the most kbit/s a browser's video sender may use (sent at login, applied
   * with `RTCRtpSender.setParameters`); undefined (or absent, for an embedding app): no cap.
   */
  readonly maxVideoBitrateKbps?: number;
}

/** Push subscriptions and call history (issue 24): where they are kept, and how push is sent. */
export interface AccountsConfig {
  /** SQLite in `DATA_DIR` (default `./data`), or PostgreSQL (`DATABASE_URL`; required with `REDIS_URL`). */
  readonly database: { readonly kind: 'sqlite'; readonly directory: string } | { readonly kind: 'postgres'; readonly url: string };
  /** Call records older than this are deleted (daily). */
  readonly historyDays: number;
  readonly push: PushConfig;
  readonly invites: InvitesConfig;
}

/** Guest invite links (issue 25). */
export interface InvitesConfig {
  /** `INVITE_SECRET` (HS256 key of invite and guest tokens); undefined: a key generated once and kept in the database. */
  readonly secret: string | undefined;
  /** `INVITE_TTL_HOURS` (default 24, at most 168): how long a link lasts unless its creator chose otherwise. */
  readonly defaultTtlHours: number;
  /** `MAX_GUESTS` (default 100): guests online at once on one instance; 0 turns guests off. */
  readonly maxGuests: number;
  /** `GUEST_JOINS_PER_MINUTE` (default 10): guest joins (and previews) per client address per minute. */
  readonly joinsPerMinutePerAddress: number;
}

export interface PushConfig {
  /** From `PUSH_VAPID_*`; undefined: a key pair generated once and kept in the database. */
  readonly vapid: { readonly publicKey: string; readonly privateKey: string; readonly subject: string } | undefined;
  /** The subject when `vapid` is generated: `PUSH_VAPID_SUBJECT`, else one derived from `PUBLIC_URL`. */
  readonly subject: string | undefined;
  /**
   * Hosts push endpoints may be on (`PUSH_ENDPOINT_HOSTS`): exact names, `*.suffix`, or `host:port`.
   * The server POSTs to URLs users give it: anything else is refused (SSRF), and so is any address
   * in a loopback or private range unless listed literally here.
   */
  readonly endpointHosts: readonly string[];
}

/** The browsers' push services: Chrome/Edge (FCM), Firefox (Mozilla autopush), Safari (Apple), Windows (WNS). */
export const DEFAULT_PUSH_ENDPOINT_HOSTS: readonly string[] = [
  'fcm.googleapis.com',
  'updates.push.services.mozilla.com',
  '*.push.apple.com',
  '*.notify.windows.com',
];

/** Logs, health and metrics: what an operator runs Duet with. */
export interface OpsConfig {
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** `json` (one object per line, for log shippers) or `pretty` (for a person at a terminal). */
  readonly logFormat: 'json' | 'pretty';
  /** `/metrics` on the main port requires `Authorization: Bearer <token>`; unset: not served there. */
  readonly metricsToken: string | undefined;
  /** `/metrics` on a port of its own (bind it to an internal interface); unset: no such port. */
  readonly metricsPort: number | undefined;
  /** `POST /api/call-reports` and the report keys sent at answer (`CALL_REPORTS`, default on). */
  readonly callReports: boolean;
}

/** The DI token of the `DuetConfig` the server runs with (from the environment, or given by an embedding app). */
export const DUET_CONFIG = Symbol('DUET_CONFIG');

/** Thrown with a message that names the offending variable, so an operator can fix it at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
