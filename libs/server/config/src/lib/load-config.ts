import { AccountsConfig, AuthConfig, ConfigError, DEFAULT_PUSH_ENDPOINT_HOSTS, DuetConfig, RedisConfig } from './duet-config';
import { IceConfig } from './ice-config';
import { TlsConfig } from './network-config';
import { Env, EnvSchema, SECRETS } from './env-schema';

/**
 * Reads the environment once at boot (empty strings count as unset) and derives the config,
 * refusing combinations no single rule can see (TLS_CERT without TLS_KEY, ...).
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
      callReports: vars.CALL_REPORTS === 'on',
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
    accounts: accountsConfig(vars),
    maxVideoBitrateKbps: vars.MAX_VIDEO_BITRATE_KBPS,
  };
}

function accountsConfig(vars: Env): AccountsConfig | undefined {
  if (vars.AUTH_MODE === 'none') return undefined;
  // Each instance would keep its own SQLite file: a user's history would depend on the instance.
  if (vars.REDIS_URL !== undefined && vars.DATABASE_URL === undefined) {
    throw new ConfigError(
      'Invalid DATABASE_URL: REDIS_URL runs several instances, which must share one database for push subscriptions and call history; set DATABASE_URL (postgres://...)',
    );
  }
  const vapidKeys = [vars.PUSH_VAPID_PUBLIC_KEY, vars.PUSH_VAPID_PRIVATE_KEY].filter((key) => key !== undefined).length;
  if (vapidKeys === 1) {
    throw new ConfigError(`Invalid ${vars.PUSH_VAPID_PUBLIC_KEY === undefined ? 'PUSH_VAPID_PUBLIC_KEY' : 'PUSH_VAPID_PRIVATE_KEY'}: set both VAPID keys, or neither (a pair is then generated and kept in the database)`);
  }
  const subject = vars.PUSH_VAPID_SUBJECT ?? (vars.PUBLIC_URL?.startsWith('https://') ? vars.PUBLIC_URL : undefined);
  if (vapidKeys === 2 && subject === undefined) {
    throw new ConfigError('Invalid PUSH_VAPID_SUBJECT: the VAPID keys need a contact (mailto: or https://), or an https PUBLIC_URL to use as one');
  }
  if (vars.INVITE_SECRET !== undefined && vars.INVITE_SECRET === vars.AUTH_JWT_SECRET) {
    // One key for both would make every invite link a member's sign-in token.
    throw new ConfigError('Invalid INVITE_SECRET: it must differ from AUTH_JWT_SECRET');
  }
  return {
    database: vars.DATABASE_URL === undefined ? { kind: 'sqlite', directory: vars.DATA_DIR ?? './data' } : { kind: 'postgres', url: vars.DATABASE_URL },
    historyDays: vars.HISTORY_DAYS,
    push: {
      vapid:
        vars.PUSH_VAPID_PUBLIC_KEY !== undefined && vars.PUSH_VAPID_PRIVATE_KEY !== undefined && subject !== undefined
          ? { publicKey: vars.PUSH_VAPID_PUBLIC_KEY, privateKey: vars.PUSH_VAPID_PRIVATE_KEY, subject }
          : undefined,
      subject,
      endpointHosts: vars.PUSH_ENDPOINT_HOSTS ?? DEFAULT_PUSH_ENDPOINT_HOSTS,
    },
    invites: {
      secret: vars.INVITE_SECRET,
      defaultTtlHours: vars.INVITE_TTL_HOURS,
      maxGuests: vars.MAX_GUESTS,
      joinsPerMinutePerAddress: vars.GUEST_JOINS_PER_MINUTE,
    },
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
  if (vars.AUTH_MODE === 'oidc') return oidcConfig(vars);
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

function oidcConfig(vars: Env): AuthConfig {
  if (vars.OIDC_ISSUER === undefined) {
    throw new ConfigError('Invalid OIDC_ISSUER: AUTH_MODE="oidc" needs it (your OpenID provider, e.g. https://login.example.com/realms/acme)');
  }
  if (vars.OIDC_CLIENT_ID === undefined) {
    throw new ConfigError('Invalid OIDC_CLIENT_ID: AUTH_MODE="oidc" needs it (the client id Duet is registered under at your provider)');
  }
  return {
    mode: 'oidc',
    issuer: vars.OIDC_ISSUER,
    clientId: vars.OIDC_CLIENT_ID,
    scopes: vars.OIDC_SCOPES,
    usernameClaim: vars.OIDC_USERNAME_CLAIM,
  };
}
