import { ConfigError, loadConfig } from './duet-config';

describe(loadConfig.name, () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: undefined,
      webRoot: undefined,
      iceServers: [],
      iceTransportPolicy: 'all',
      presenceLimit: 100,
      publicOrigin: undefined,
      allowedOrigins: undefined,
      auth: { mode: 'none' },
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
    });
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
      ICE_TRANSPORT_POLICY: 'relay',
      WS_MAX_PAYLOAD: '4096',
      PRESENCE_LIMIT: '10',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      webRoot: '/srv/duet',
      iceServers: [{ urls: 'stun:stun.example.org:3478' }],
      iceTransportPolicy: 'relay',
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

  it('says what ICE_TRANSPORT_POLICY may be', () => {
    expect(() => loadConfig({ ICE_TRANSPORT_POLICY: 'none' })).toThrow('Invalid ICE_TRANSPORT_POLICY="none": must be "all" or "relay"');
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
    ['ICE_TRANSPORT_POLICY', 'turn-only'],
    ['ALLOWED_ORIGINS', 'not a url'],
    ['ALLOWED_ORIGINS', 'ftp://files.example.com'],
    ['AUTH_MODE', 'ldap'],
    ['AUTH_JWT_SECRET', 'short'],
    ['RATE_LIMIT_PER_SECOND', '0'],
    ['HEARTBEAT_INTERVAL_MS', '5'],
  ])('refuses %s=%s with an error naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid ${name}=`));
  });
});
