import { ConfigError } from './duet-config';
import { loadConfig } from './load-config';
import { describeSettings, ignoredSettings } from './settings-report';

/** The message a start with `env` would stop with, or `accepted`. */
function problem(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
}

describe(loadConfig.name, () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: undefined,
      webRoot: undefined,
      ice: { servers: [], turn: undefined, transportPolicy: 'all' },
      tls: { mode: 'off' },
      trustProxy: { mode: 'off' },
      presenceLimit: 100,
      publicOrigin: undefined,
      allowedOrigins: undefined,
      auth: { mode: 'none' },
      ops: { logLevel: 'info', logFormat: 'json', metricsToken: undefined, metricsPort: undefined, callReports: true },
      limits: {
        maxPayloadBytes: 65_536,
        messagesPerSecond: 100,
        messageBurst: 200,
        maxConnections: 20_000,
        maxConnectionsPerIp: 256,
        loginTimeoutMs: 10_000,
        heartbeatIntervalMs: 30_000,
        ringTimeoutMs: 30_000,
        shutdownTimeoutMs: 5_000,
        httpHeadersTimeoutMs: 10_000,
        resumeWindowMs: 30_000,
      },
      maxVideoBitrateKbps: undefined,
      redis: undefined,
    });
  });

  it('logs pretty lines by default only at a terminal, and never in production', () => {
    expect(loadConfig({}, true).ops.logFormat).toBe('pretty');
    expect(loadConfig({}, false).ops.logFormat).toBe('json');
    expect(loadConfig({ NODE_ENV: 'production' }, true).ops.logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }, false).ops.logFormat).toBe('pretty');
  });

  it('reads Redis settings, and never prints the URL, which may hold a password', () => {
    expect(loadConfig({ REDIS_URL: 'redis://:pw@10.0.0.5:6380/2' }).redis).toEqual({ url: 'redis://:pw@10.0.0.5:6380/2', keyPrefix: 'duet:' });
    expect(loadConfig({ REDIS_URL: 'rediss://cache.example', REDIS_KEY_PREFIX: 'duet-eu:' }).redis).toEqual({ url: 'rediss://cache.example', keyPrefix: 'duet-eu:' });
    expect(() => loadConfig({ REDIS_URL: 'http://:hunter2@cache.example' })).toThrow(/^Invalid REDIS_URL \(value hidden\): must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => loadConfig({ REDIS_URL: 'http://:hunter2@cache.example' })).not.toThrow(/hunter2/);
    expect(() => loadConfig({ REDIS_KEY_PREFIX: 'x:' })).toThrow(/^Invalid REDIS_KEY_PREFIX: set REDIS_URL too/);
  });

  it('takes the public URL as an origin, and refuses one that is not http(s)', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://Duet.Example.com/call/' }).publicOrigin).toBe('https://duet.example.com');
    expect(() => loadConfig({ PUBLIC_URL: 'duet.example.com' })).toThrow(/^Invalid PUBLIC_URL="duet.example.com": must be an http\(s\) URL/);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      WEB_ROOT: '/srv/duet',
      ICE_SERVERS: '[{"urls":"stun:stun.example.org:3478"}]',
      WS_MAX_PAYLOAD: '4096',
      PRESENCE_LIMIT: '10',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      webRoot: '/srv/duet',
      ice: { servers: [{ urls: 'stun:stun.example.org:3478' }] },
      presenceLimit: 10,
      limits: { maxPayloadBytes: 4096 },
    });
  });

  it('reads the allowed origins and the JWT settings', () => {
    const config = loadConfig({
      ALLOWED_ORIGINS: 'https://duet.example.com, http://localhost:4200/',
      AUTH_MODE: 'jwt',
      AUTH_JWT_SECRET: 's'.repeat(32),
      AUTH_JWT_ISSUER: 'https://idp.example.com',
      AUTH_JWT_USERNAME_CLAIM: 'preferred_username',
    });
    expect(config.allowedOrigins).toEqual(['https://duet.example.com', 'http://localhost:4200']);
    expect(config.auth).toEqual({
      mode: 'jwt',
      secret: 's'.repeat(32),
      publicKeyFile: undefined,
      issuer: 'https://idp.example.com',
      audience: undefined,
      usernameClaim: 'preferred_username',
    });
  });

  it('refuses JWT mode without exactly one key, naming the variables', () => {
    expect(() => loadConfig({ AUTH_MODE: 'jwt' })).toThrow(/AUTH_JWT_SECRET/);
    expect(() =>
      loadConfig({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 's'.repeat(32), AUTH_JWT_PUBLIC_KEY_FILE: '/k.pem' }),
    ).toThrow(ConfigError);
  });

  describe('company sign-in (AUTH_MODE=oidc)', () => {
    const oidc = { AUTH_MODE: 'oidc', OIDC_ISSUER: 'https://login.example.com/realms/acme', OIDC_CLIENT_ID: 'duet' };

    it('reads the issuer and client id, with default scopes and the username claim chain', () => {
      expect(loadConfig(oidc).auth).toEqual({
        mode: 'oidc',
        issuer: 'https://login.example.com/realms/acme',
        clientId: 'duet',
        scopes: 'openid profile email offline_access',
        usernameClaim: undefined,
      });
      expect(loadConfig({ ...oidc, OIDC_SCOPES: 'openid email', OIDC_USERNAME_CLAIM: 'upn' }).auth).toMatchObject({ scopes: 'openid email', usernameClaim: 'upn' });
    });

    it('allows a plain http issuer on loopback only', () => {
      expect(problem({ ...oidc, OIDC_ISSUER: 'http://127.0.0.1:9000' })).toBe('accepted');
      expect(problem({ ...oidc, OIDC_ISSUER: 'http://localhost:9000/oidc' })).toBe('accepted');
      expect(problem({ ...oidc, OIDC_ISSUER: 'http://login.example.com' })).toBe(
        'Invalid OIDC_ISSUER="http://login.example.com": must be https:// (plain http only on loopback): keys fetched in the clear could be forged on the way',
      );
    });

    it('refuses each bad or missing setting in one line naming its variable', () => {
      expect(problem({ AUTH_MODE: 'oidc', OIDC_CLIENT_ID: 'duet' })).toMatch(/^Invalid OIDC_ISSUER: AUTH_MODE="oidc" needs it/);
      expect(problem({ AUTH_MODE: 'oidc', OIDC_ISSUER: 'https://login.example.com' })).toMatch(/^Invalid OIDC_CLIENT_ID: AUTH_MODE="oidc" needs it/);
      expect(problem({ ...oidc, OIDC_ISSUER: 'login.example.com' })).toMatch(/^Invalid OIDC_ISSUER="login.example.com": must be the https:\/\/ URL/);
      // Not a URL at all: the same kind of line, never a TypeError from deeper down.
      expect(problem({ AUTH_MODE: 'jwt', AUTH_JWT_JWKS_URL: 'keys.json' })).toMatch(/^Invalid AUTH_JWT_JWKS_URL="keys.json": must be an https:\/\/ URL/);
      expect(problem({ ...oidc, OIDC_SCOPES: 'profile email' })).toBe('Invalid OIDC_SCOPES="profile email": must contain "openid" (space-separated scopes, e.g. "openid profile email")');
      expect(problem({ AUTH_MODE: 'sso' })).toBe('Invalid AUTH_MODE="sso": must be "none", "jwt" or "oidc"');
      for (const message of [problem({ AUTH_MODE: 'oidc' }), problem({ ...oidc, OIDC_SCOPES: 'email' })]) expect(message).not.toContain('\n');
    });

    it('reports the mode in the settings line, and warns about settings of another mode', () => {
      const config = loadConfig(oidc);
      expect(describeSettings(config, 'in-memory')).toContain('auth oidc (issuer https://login.example.com/realms/acme, client duet)');
      expect(ignoredSettings({ ...oidc, AUTH_JWT_SECRET: 'x' }, config)).toEqual(['AUTH_JWT_SECRET is set but AUTH_MODE is "oidc": the OIDC_* settings apply.']);
      expect(ignoredSettings({ OIDC_ISSUER: 'https://x', OIDC_CLIENT_ID: 'duet' }, loadConfig({}))).toEqual([
        'OIDC_ISSUER, OIDC_CLIENT_ID are set but AUTH_MODE is "none". Set AUTH_MODE=oidc for company sign-in.',
      ]);
    });
  });

  describe('ICE servers, checked as a browser would before any call fails on them', () => {
    const problem = (value: string) => {
      try {
        loadConfig({ ICE_SERVERS: value });
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    };

    it('names the variable and the bad entry', () => {
      expect(problem('[{"urls":"stun:a.example"},{"url":"stun:x"}]')).toMatch(/^Invalid ICE_SERVERS=.*: entry 2 \(\{"url":"stun:x"\}\) has unknown key "url"; did you mean "urls"\?$/);
      expect(problem('[{"urls":"http://stun.example.org"}]')).toContain('"http://stun.example.org" is not a stun:, stuns:, turn: or turns: URL');
      expect(problem('[{"urls":["turn:t.example:3478"]}]')).toContain('a TURN server needs "username" and "credential"');
      expect(problem('[{"urls":"stun:s.example?transport=udp"}]')).toContain('STUN URLs take no query');
      expect(problem('[{"urls":"turn:t.example?transport=sctp","username":"u","credential":"c"}]')).toContain('?transport=udp or ?transport=tcp');
      expect(problem('[{"urls":"stun:"}]')).toContain('no valid host[:port]');
    });

    it('accepts what browsers accept', () => {
      expect(problem('[{"urls":["stun:s.example:3478","stuns:s.example"]},{"urls":"turns:[2001:db8::1]:5349?transport=tcp","username":"u","credential":"c"}]')).toBe('accepted');
    });
  });

  describe('TURN credentials, transport policy, TLS and proxies', () => {
    it('reads TURN REST settings, with a TTL of an hour by default', () => {
      const config = loadConfig({ TURN_SECRET: 'x'.repeat(16), TURN_URLS: 'turn:t.example:3478, turns:t.example:5349', ICE_TRANSPORT_POLICY: 'relay' });
      expect(config.ice).toEqual({
        servers: [],
        turn: { secret: 'x'.repeat(16), urls: ['turn:t.example:3478', 'turns:t.example:5349'], ttlSeconds: 3_600 },
        transportPolicy: 'relay',
      });
    });

    it('refuses half a TURN setup, and relay-only without a TURN server', () => {
      expect(() => loadConfig({ TURN_SECRET: 'x'.repeat(16) })).toThrow(/^Invalid TURN_SECRET: set TURN_URLS too/);
      expect(() => loadConfig({ TURN_URLS: 'turn:t.example' })).toThrow(/^Invalid TURN_URLS: set TURN_SECRET too/);
      expect(() => loadConfig({ ICE_TRANSPORT_POLICY: 'relay' })).toThrow(/^Invalid ICE_TRANSPORT_POLICY="relay": it needs a TURN server/);
      expect(loadConfig({ ICE_TRANSPORT_POLICY: 'relay', ICE_SERVERS: '[{"urls":"turn:t.example","username":"u","credential":"c"}]' }).ice.transportPolicy).toBe('relay');
    });

    it.each(['TURN_SECRET', 'AUTH_JWT_SECRET', 'METRICS_TOKEN'])('never prints %s, even when refusing it', (name) => {
      expect(() => loadConfig({ [name]: 'tiny-secret' })).toThrow(new RegExp(`^Invalid ${name} \\(value hidden\\): must be at least`));
      expect(() => loadConfig({ [name]: 'tiny-secret' })).not.toThrow(/tiny-secret/);
    });

    it('reads TLS from files, or self-signed, but not both', () => {
      expect(loadConfig({ TLS_CERT: '/c.pem', TLS_KEY: '/k.pem' }).tls).toEqual({ mode: 'files', certFile: '/c.pem', keyFile: '/k.pem' });
      expect(loadConfig({ TLS: 'self-signed' }).tls).toEqual({ mode: 'self-signed' });
      expect(() => loadConfig({ TLS_CERT: '/c.pem' })).toThrow(/^Invalid TLS_KEY: set both/);
      expect(() => loadConfig({ TLS: 'self-signed', TLS_CERT: '/c.pem', TLS_KEY: '/k.pem' })).toThrow(/^Invalid TLS="self-signed"/);
    });

    it('reads TRUST_PROXY as off, a hop count, or addresses and CIDRs', () => {
      expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toEqual({ mode: 'off' });
      expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toEqual({ mode: 'hops', hops: 1 });
      expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual({ mode: 'addresses', addresses: ['loopback', '10.0.0.0/8'] });
    });
    it('says what ICE_TRANSPORT_POLICY may be', () => {
      expect(() => loadConfig({ ICE_TRANSPORT_POLICY: 'none' })).toThrow('Invalid ICE_TRANSPORT_POLICY="none": must be "all" or "relay"');
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['WS_MAX_PAYLOAD', '10'],
    ['WS_MAX_PAYLOAD', '999999999'],
    ['PRESENCE_LIMIT', '-1'],
    ['ICE_SERVERS', 'not json'],
    ['ICE_SERVERS', '[{"url":"stun:x"}]'],
    ['ICE_SERVERS', '[{"urls":"http://stun.example.org"}]'],
    ['ICE_SERVERS', '[{"urls":"turn:turn.example.org"}]'],
    ['ICE_SERVERS', '{"urls":"stun:x"}'],
    ['TURN_SECRET', 'short'],
    ['TURN_URLS', 'stun:stun.example.org'],
    ['TURN_TTL_SECONDS', '10'],
    ['ICE_TRANSPORT_POLICY', 'none'],
    ['TLS', 'on'],
    ['TRUST_PROXY', 'not-an-address'],
    ['TRUST_PROXY', '99'],
    ['LOG_LEVEL', 'loud'],
    ['LOG_FORMAT', 'xml'],
    ['METRICS_PORT', 'ninety'],
    ['CALL_REPORTS', 'maybe'],
    ['ALLOWED_ORIGINS', 'not a url'],
    ['ALLOWED_ORIGINS', 'ftp://files.example.com'],
    ['AUTH_MODE', 'ldap'],
    ['AUTH_JWT_SECRET', 'short'],
    ['RATE_LIMIT_PER_SECOND', '0'],
    ['HEARTBEAT_INTERVAL_MS', '5'],
    ['REDIS_URL', 'localhost:6379'],
    ['REDIS_KEY_PREFIX', 'has space'],
  ])('refuses %s=%s with an error naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid ${name}[= ]`));
  });
});

describe('accounts (push subscriptions and call history)', () => {
  const jwt = { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 'a'.repeat(32) };

  it('keeps none with AUTH_MODE=none, and warns about accounts settings that then do nothing', () => {
    expect(loadConfig({}).accounts).toBeUndefined();
    expect(describeSettings(loadConfig({}), 'in-memory')).toContain('accounts off (AUTH_MODE=none)');
    expect(ignoredSettings({ DATA_DIR: '/srv/duet', HISTORY_DAYS: '30' }, loadConfig({}))).toEqual([
      'DATA_DIR, HISTORY_DAYS are set but AUTH_MODE is "none": names are not accounts, so no history or push is kept.',
    ]);
  });

  it('defaults to SQLite in ./data, 90 days, generated VAPID keys and the browsers\' push services', () => {
    expect(loadConfig(jwt).accounts).toEqual({
      database: { kind: 'sqlite', directory: './data' },
      historyDays: 90,
      push: { vapid: undefined, subject: undefined, endpointHosts: ['fcm.googleapis.com', 'updates.push.services.mozilla.com', '*.push.apple.com', '*.notify.windows.com'] },
      invites: { secret: undefined, defaultTtlHours: 24, maxGuests: 100, joinsPerMinutePerAddress: 10 },
    });
  });

  it('takes the invite settings, fractional hours included, and bounds them', () => {
    const secret = 'k'.repeat(32);
    expect(loadConfig({ ...jwt, INVITE_SECRET: secret, INVITE_TTL_HOURS: '0.5', MAX_GUESTS: '0', GUEST_JOINS_PER_MINUTE: '3' }).accounts?.invites).toEqual({
      secret,
      defaultTtlHours: 0.5,
      maxGuests: 0,
      joinsPerMinutePerAddress: 3,
    });
    expect(problem({ ...jwt, INVITE_TTL_HOURS: '169' })).toBe('Invalid INVITE_TTL_HOURS="169": must be at most 168 (a week)');
    expect(problem({ ...jwt, INVITE_TTL_HOURS: '0' })).toBe('Invalid INVITE_TTL_HOURS="0": must be more than 0');
    expect(problem({ ...jwt, INVITE_SECRET: 'short' })).toBe('Invalid INVITE_SECRET (value hidden): must be at least 32 characters (it signs invite links and guest tokens)');
    expect(problem({ ...jwt, AUTH_JWT_SECRET: secret, INVITE_SECRET: secret })).toBe('Invalid INVITE_SECRET: it must differ from AUTH_JWT_SECRET');
  });

  it('takes PostgreSQL, the history length, VAPID keys and push hosts from the environment, and never shows the database password', () => {
    const env = {
      ...jwt,
      DATABASE_URL: 'postgres://duet:hunter2@db.example:5432/duet',
      HISTORY_DAYS: '7',
      PUSH_VAPID_PUBLIC_KEY: 'BPublic',
      PUSH_VAPID_PRIVATE_KEY: 'private',
      PUBLIC_URL: 'https://duet.example.com',
      PUSH_ENDPOINT_HOSTS: 'FCM.googleapis.com, 127.0.0.1:8443',
    };
    const config = loadConfig(env);
    expect(config.accounts).toEqual({
      database: { kind: 'postgres', url: 'postgres://duet:hunter2@db.example:5432/duet' },
      historyDays: 7,
      push: {
        vapid: { publicKey: 'BPublic', privateKey: 'private', subject: 'https://duet.example.com' },
        subject: 'https://duet.example.com',
        endpointHosts: ['fcm.googleapis.com', '127.0.0.1:8443'],
      },
      invites: { secret: undefined, defaultTtlHours: 24, maxGuests: 100, joinsPerMinutePerAddress: 10 },
    });
    expect(describeSettings(config, 'in-memory')).toContain('accounts postgres at db.example:5432/duet, history 7 days');
    expect(describeSettings(config, 'in-memory')).not.toContain('hunter2');
  });

  it('refuses what cannot work, naming the variable and never a secret', () => {
    expect(problem({ ...jwt, REDIS_URL: 'redis://127.0.0.1:6379' })).toMatch(/^Invalid DATABASE_URL: REDIS_URL runs several instances, which must share one database/);
    expect(problem({ AUTH_MODE: 'none', REDIS_URL: 'redis://127.0.0.1:6379' })).toBe('accepted');
    expect(problem({ ...jwt, DATABASE_URL: 'mysql://duet:hunter2@db/duet' })).toBe('Invalid DATABASE_URL (value hidden): must be a postgres:// URL, e.g. postgres://duet:secret@db.example:5432/duet');
    expect(problem({ ...jwt, PUSH_VAPID_PUBLIC_KEY: 'BPublic' })).toMatch(/^Invalid PUSH_VAPID_PRIVATE_KEY: set both VAPID keys, or neither/);
    expect(problem({ ...jwt, PUSH_VAPID_PUBLIC_KEY: 'B', PUSH_VAPID_PRIVATE_KEY: 'p' })).toMatch(/^Invalid PUSH_VAPID_SUBJECT: the VAPID keys need a contact/);
    expect(problem({ ...jwt, PUSH_VAPID_SUBJECT: 'duet@example.com' })).toMatch(/^Invalid PUSH_VAPID_SUBJECT="duet@example.com": must be a mailto: or https:\/\//);
    expect(problem({ ...jwt, PUSH_ENDPOINT_HOSTS: 'https://fcm.googleapis.com/' })).toMatch(/^Invalid PUSH_ENDPOINT_HOSTS=.*: must list host names/);
    expect(problem({ ...jwt, HISTORY_DAYS: '0' })).toMatch(/^Invalid HISTORY_DAYS="0"/);
    expect(problem({ ...jwt, PUSH_VAPID_PRIVATE_KEY: 'secret-key' })).not.toContain('secret-key');
  });
});

describe('call reports (CALL_REPORTS)', () => {
  it('are on unless turned off, and the start-up line says which', () => {
    expect(loadConfig({}).ops.callReports).toBe(true);
    expect(loadConfig({ CALL_REPORTS: 'off' }).ops.callReports).toBe(false);
    expect(describeSettings(loadConfig({ CALL_REPORTS: 'off' }), 'in-memory')).toContain('call reports off');
  });
});

describe('MAX_VIDEO_BITRATE_KBPS (the operator\'s cap on video senders)', () => {
  it('is no cap when unset, the number of kbit/s when set, and says so in the settings line', () => {
    expect(loadConfig({}).maxVideoBitrateKbps).toBeUndefined();
    expect(describeSettings(loadConfig({}), 'in-memory')).toContain('video cap none');
    expect(loadConfig({ MAX_VIDEO_BITRATE_KBPS: '800' }).maxVideoBitrateKbps).toBe(800);
    expect(describeSettings(loadConfig({ MAX_VIDEO_BITRATE_KBPS: '800' }), 'in-memory')).toContain('video cap 800 kbit/s');
    expect(loadConfig({ MAX_VIDEO_BITRATE_KBPS: '50' }).maxVideoBitrateKbps).toBe(50);
    expect(loadConfig({ MAX_VIDEO_BITRATE_KBPS: '50000' }).maxVideoBitrateKbps).toBe(50_000);
  });

  it.each(['49', '50001', '0', '1.5', 'fast', '-100'])('refuses %s, naming the variable', (value) => {
    expect(problem({ MAX_VIDEO_BITRATE_KBPS: value })).toMatch(new RegExp(`^Invalid MAX_VIDEO_BITRATE_KBPS="${value.replace('.', '\\.')}"`));
  });
});
