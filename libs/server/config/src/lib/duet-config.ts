import * as z from 'zod';
import { IceConfig, iceUrlProblem, parseIceServers } from './ice-config';
import { parseTrustProxy, TlsConfig, TrustProxyConfig } from './network-config';

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
      /** Least time between JWKS fetches; not an environment variable (30 s), shortened by tests. */
      readonly jwksCooldownMs?: number;
      readonly issuer: string | undefined;
      readonly audience: string | undefined;
      /** The claim that holds the username. */
      readonly usernameClaim: string;
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
  readonly ops: OpsConfig;
}

/** Logs, health and metrics: what an operator runs Duet with. */
export interface OpsConfig {
  readonly logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** `json` (one object per line, for log shippers) or `pretty` (for a person at a terminal). */
  readonly logFormat: 'json' | 'pretty';
  /** `/metrics` on the main port requires `Authorization: Bearer <token>`; unset: not served there. */
  readonly metricsToken: string | undefined;
  /** `/metrics` on a port of its own (bind it to an internal interface); unset: no such port. */
  readonly metricsPort: number | undefined;
}

/** The DI token of the `DuetConfig` the server runs with (from the environment, or given by an embedding app). */
export const DUET_CONFIG = Symbol('DUET_CONFIG');

/** Thrown with a message that names the offending variable, so an operator can fix it at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const integer = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((value) => value ?? fallback);

/** JSON in a variable, parsed; a syntax error is the variable's problem. */
const json = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
    return z.NEVER;
  }
});

const iceServers = json
  .transform((value, ctx) => {
    const result = parseIceServers(value);
    if ('servers' in result) return result.servers;
    ctx.addIssue({ code: 'custom', message: result.problem });
    return z.NEVER;
  })
  .optional()
  .transform((value) => value ?? []);

const turnUrls = z
  .string()
  .transform((text, ctx) => {
    const urls = text.split(',').map((url) => url.trim()).filter(Boolean);
    for (const url of urls) {
      const problem = /^turns?:/i.test(url) ? iceUrlProblem(url) : `"${url}" is not a turn: or turns: URL`;
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
    }
    if (urls.length === 0) ctx.addIssue({ code: 'custom', message: 'needs at least one turn: or turns: URL' });
    return urls;
  })
  .optional();

const trustProxy = z
  .string()
  .optional()
  .transform((text, ctx) => {
    const result = parseTrustProxy(text);
    if (!('problem' in result)) return result;
    ctx.addIssue({ code: 'custom', message: result.problem });
    return z.NEVER;
  });

const origins = z
  .string()
  .transform((text) => text.split(',').map((origin) => origin.trim()).filter(Boolean))
  .pipe(z.array(z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin)).min(1))
  .optional();

const publicUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://duet.example.com' })
  .transform((url) => new URL(url).origin)
  .optional();

const text = z.string().trim().min(1).optional();

const redisUrl = z
  .string()
  .trim()
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be a redis:// or rediss:// URL with a host, e.g. redis://127.0.0.1:6379')
  .optional();
const SECOND = 1_000;

/** Variable name -> rule; the default is the value used when the variable is unset. */
const EnvSchema = z.object({
  PORT: integer(0, 65_535, 3000),
  HOST: text,
  WEB_ROOT: text,
  ICE_SERVERS: iceServers,
  // Shared with coturn's static-auth-secret; a short one could be guessed from issued credentials.
  TURN_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  TURN_URLS: turnUrls,
  // An hour: long enough for most calls (credentials are renewed before they expire anyway),
  // short enough that a credential copied out of a page is soon useless.
  TURN_TTL_SECONDS: integer(60, 86_400, 3_600),
  ICE_TRANSPORT_POLICY: z
    .enum(['all', 'relay'], { error: 'must be "all" or "relay"' })
    .optional()
    .transform((policy) => policy ?? 'all'),
  TLS: z.enum(['off', 'self-signed']).optional().transform((mode) => mode ?? 'off'),
  TLS_CERT: text,
  TLS_KEY: text,
  TRUST_PROXY: trustProxy,
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).optional().transform((level) => level ?? 'info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PORT: z.string().trim().regex(/^\d+$/, 'must be a port number').transform(Number).pipe(z.number().int().min(1).max(65_535)).optional(),
  PRESENCE_LIMIT: integer(0, 1_000, 100),
  PUBLIC_URL: publicUrl,
  ALLOWED_ORIGINS: origins,
  AUTH_MODE: z.enum(['none', 'jwt']).optional().transform((mode) => mode ?? 'none'),
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AUTH_JWT_PUBLIC_KEY_FILE: text,
  AUTH_JWT_JWKS_URL: z
    .url({ protocol: /^https?$/, error: 'must be an https:// URL of a JWKS (e.g. https://idp.example.com/.well-known/jwks.json)' })
    .refine((url) => new URL(url).protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname), {
      error: 'must be https:// (plain http only on loopback): keys fetched in the clear could be forged on the way',
    })
    .optional(),
  AUTH_JWT_ISSUER: text,
  AUTH_JWT_AUDIENCE: text,
  AUTH_JWT_USERNAME_CLAIM: text,
  // 64 KiB: a video SDP is a few kB. ws's own default (100 MiB) would let one client pin memory.
  WS_MAX_PAYLOAD: integer(1_024, 1_048_576, 65_536),
  // A call's setup is a few dozen messages, most in the first second.
  RATE_LIMIT_PER_SECOND: integer(1, 10_000, 100),
  RATE_LIMIT_BURST: integer(1, 100_000, 200),
  MAX_CONNECTIONS: integer(1, 1_000_000, 20_000),
  // Generous: a whole office may share one public address.
  MAX_CONNECTIONS_PER_IP: integer(1, 1_000_000, 256),
  LOGIN_TIMEOUT_MS: integer(100, 10 * 60 * SECOND, 10 * SECOND),
  HEARTBEAT_INTERVAL_MS: integer(100, 10 * 60 * SECOND, 30 * SECOND),
  RING_TIMEOUT_MS: integer(100, 10 * 60 * SECOND, 30 * SECOND),
  SHUTDOWN_TIMEOUT_MS: integer(100, 60 * SECOND, 5 * SECOND),
  // Node's default is 60 s, checked every 30 s: long enough for a slowloris to hold sockets.
  HTTP_HEADERS_TIMEOUT_MS: integer(1 * SECOND, 120 * SECOND, 10 * SECOND),
  // Long enough for a phone to switch networks or a server to restart; short enough that a peer
  // who is really gone frees the other side soon.
  RESUME_WINDOW_MS: integer(0, 10 * 60 * SECOND, 30 * SECOND),
  REDIS_URL: redisUrl,
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'must be 1-64 letters, digits, ":", "_", "." or "-", e.g. duet:')
    .optional()
    .transform((prefix) => prefix ?? 'duet:'),
});
type Env = z.infer<typeof EnvSchema>;

/** Variables whose values an error message must never show (a Redis URL may carry a password). */
const SECRETS = new Set(['TURN_SECRET', 'AUTH_JWT_SECRET', 'REDIS_URL', 'METRICS_TOKEN']);

/** Reads the environment once at boot. Empty strings count as unset. */
/**
 * `stdoutIsTerminal` picks the default log format: pretty lines for a person at a terminal, JSON
 * for anything else (a file, a pipe, a log shipper), where pretty-printing would only cost a
 * worker thread and CPU on every line.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, stdoutIsTerminal = process.stdout.isTTY === true): DuetConfig {
  const known = Object.fromEntries(
    Object.keys(EnvSchema.shape)
      .map((name) => [name, env[name]] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = EnvSchema.safeParse(known);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue.path[0]);
    const shown = SECRETS.has(variable) ? ' (value hidden)' : `=${JSON.stringify(env[variable])}`;
    throw new ConfigError(`Invalid ${variable}${shown}: ${issue.message}`);
  }
  const vars = parsed.data;
  return {
    port: vars.PORT,
    host: vars.HOST,
    webRoot: vars.WEB_ROOT,
    ice: iceConfig(vars),
    tls: tlsConfig(vars),
    trustProxy: vars.TRUST_PROXY,
    presenceLimit: vars.PRESENCE_LIMIT,
    publicOrigin: vars.PUBLIC_URL,
    allowedOrigins: vars.ALLOWED_ORIGINS,
    auth: authConfig(vars),
    ops: {
      logLevel: vars.LOG_LEVEL,
      // JSON in production and wherever the output goes to a file or a pipe; readable at a terminal.
      logFormat: vars.LOG_FORMAT ?? (env['NODE_ENV'] !== 'production' && stdoutIsTerminal ? 'pretty' : 'json'),
      metricsToken: vars.METRICS_TOKEN,
      metricsPort: vars.METRICS_PORT,
    },
    limits: {
      maxPayloadBytes: vars.WS_MAX_PAYLOAD,
      messagesPerSecond: vars.RATE_LIMIT_PER_SECOND,
      messageBurst: vars.RATE_LIMIT_BURST,
      maxConnections: vars.MAX_CONNECTIONS,
      maxConnectionsPerIp: vars.MAX_CONNECTIONS_PER_IP,
      loginTimeoutMs: vars.LOGIN_TIMEOUT_MS,
      heartbeatIntervalMs: vars.HEARTBEAT_INTERVAL_MS,
      ringTimeoutMs: vars.RING_TIMEOUT_MS,
      shutdownTimeoutMs: vars.SHUTDOWN_TIMEOUT_MS,
      httpHeadersTimeoutMs: vars.HTTP_HEADERS_TIMEOUT_MS,
      resumeWindowMs: vars.RESUME_WINDOW_MS,
    },
    redis: redisConfig(vars),
  };
}

function redisConfig(vars: Env): RedisConfig | undefined {
  if (vars.REDIS_URL === undefined) {
    if (vars.REDIS_KEY_PREFIX !== 'duet:') throw new ConfigError('Invalid REDIS_KEY_PREFIX: set REDIS_URL too (the prefix is for keys in that Redis)');
    return undefined;
  }
  return { url: vars.REDIS_URL, keyPrefix: vars.REDIS_KEY_PREFIX };
}

function iceConfig(vars: Env): IceConfig {
  if ((vars.TURN_SECRET === undefined) !== (vars.TURN_URLS === undefined)) {
    throw new ConfigError(
      vars.TURN_SECRET === undefined
        ? 'Invalid TURN_URLS: set TURN_SECRET too (the secret shared with coturn, for short-lived credentials)'
        : 'Invalid TURN_SECRET: set TURN_URLS too (e.g. turn:turn.example.com:3478)',
    );
  }
  const turn = vars.TURN_SECRET && vars.TURN_URLS ? { secret: vars.TURN_SECRET, urls: vars.TURN_URLS, ttlSeconds: vars.TURN_TTL_SECONDS } : undefined;
  const staticTurn = vars.ICE_SERVERS.some((server) => [server.urls].flat().some((url) => /^turns?:/i.test(url)));
  if (vars.ICE_TRANSPORT_POLICY === 'relay' && turn === undefined && !staticTurn) {
    throw new ConfigError('Invalid ICE_TRANSPORT_POLICY="relay": it needs a TURN server (TURN_SECRET and TURN_URLS, or a turn: entry in ICE_SERVERS)');
  }
  return { servers: vars.ICE_SERVERS, turn, transportPolicy: vars.ICE_TRANSPORT_POLICY };
}

function tlsConfig(vars: Env): TlsConfig {
  if ((vars.TLS_CERT === undefined) !== (vars.TLS_KEY === undefined)) {
    throw new ConfigError(`Invalid ${vars.TLS_CERT === undefined ? 'TLS_CERT' : 'TLS_KEY'}: set both TLS_CERT and TLS_KEY (PEM files)`);
  }
  if (vars.TLS_CERT !== undefined && vars.TLS_KEY !== undefined) {
    if (vars.TLS === 'self-signed') throw new ConfigError('Invalid TLS="self-signed": TLS_CERT and TLS_KEY are set; use one or the other');
    return { mode: 'files', certFile: vars.TLS_CERT, keyFile: vars.TLS_KEY };
  }
  return { mode: vars.TLS };
}

function authConfig(vars: Env): AuthConfig {
  if (vars.AUTH_MODE === 'none') return { mode: 'none' };
  const keys = [vars.AUTH_JWT_SECRET, vars.AUTH_JWT_PUBLIC_KEY_FILE, vars.AUTH_JWT_JWKS_URL].filter((key) => key !== undefined);
  if (keys.length !== 1) {
    throw new ConfigError(
      'Invalid AUTH_MODE="jwt": set exactly one of AUTH_JWT_SECRET (HS256), AUTH_JWT_PUBLIC_KEY_FILE (RS256/ES256) and AUTH_JWT_JWKS_URL (your identity provider\'s keys)',
    );
  }
  // An identity provider signs tokens for many applications: only its tokens for this one will do.
  if (vars.AUTH_JWT_JWKS_URL !== undefined && (vars.AUTH_JWT_ISSUER === undefined || vars.AUTH_JWT_AUDIENCE === undefined)) {
    throw new ConfigError(
      `Invalid ${vars.AUTH_JWT_ISSUER === undefined ? 'AUTH_JWT_ISSUER' : 'AUTH_JWT_AUDIENCE'}: AUTH_JWT_JWKS_URL needs both AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE`,
    );
  }
  return {
    mode: 'jwt',
    secret: vars.AUTH_JWT_SECRET,
    publicKeyFile: vars.AUTH_JWT_PUBLIC_KEY_FILE,
    jwksUrl: vars.AUTH_JWT_JWKS_URL,
    issuer: vars.AUTH_JWT_ISSUER,
    audience: vars.AUTH_JWT_AUDIENCE,
    usernameClaim: vars.AUTH_JWT_USERNAME_CLAIM ?? 'sub',
  };
}
