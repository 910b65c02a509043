import { loadAuthSettings, parseAuthSettings } from './auth-settings-loader';

const OIDC = { mode: 'oidc', issuer: 'https://id.example.com', clientId: 'duet', scopes: 'openid offline_access' };

function respond(body: unknown, status = 200): typeof fetch {
  const response = { ok: status >= 200 && status < 300, status, json: async () => body } as Response;
  return jest.fn(async () => response);
}

describe(loadAuthSettings.name, () => {
  let warn: jest.SpyInstance;
  beforeEach(() => (warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined)));
  afterEach(() => warn.mockRestore());

  it('asks /auth/settings, never from the cache, and returns what the server says', async () => {
    const fetcher = respond(OIDC);
    await expect(loadAuthSettings(fetcher)).resolves.toEqual(OIDC);
    expect(fetcher).toHaveBeenCalledWith('/auth/settings', expect.objectContaining({ cache: 'no-store' }));
    expect(warn).not.toHaveBeenCalled();
  });

  it('starts as in open mode, with a warning, when the server cannot be asked', async () => {
    const fetcher = jest.fn(async () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(loadAuthSettings(fetcher)).resolves.toEqual({ mode: 'none' });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Failed to fetch'));
  });

  it('starts as in open mode when the server answers with an error or nonsense', async () => {
    await expect(loadAuthSettings(respond({}, 404))).resolves.toEqual({ mode: 'none' });
    await expect(loadAuthSettings(respond({ mode: 'kerberos' }))).resolves.toEqual({ mode: 'none' });
    expect(warn).toHaveBeenCalledTimes(2);
  });
});

describe(parseAuthSettings.name, () => {
  it('keeps only the fields of each mode', () => {
    expect(parseAuthSettings({ mode: 'jwt', issuer: 'x' })).toEqual({ mode: 'jwt' });
    expect(parseAuthSettings({ ...OIDC, extra: 1 })).toEqual(OIDC);
  });

  it('keeps the accounts settings (the push key) in jwt and oidc mode, and drops malformed ones', () => {
    const accounts = { pushPublicKey: 'BPk3', invites: { defaultTtlHours: 0.5 } };
    expect(parseAuthSettings({ mode: 'jwt', accounts })).toEqual({ mode: 'jwt', accounts });
    // An older server names no invite settings: the dialog's default is then a day.
    expect(parseAuthSettings({ mode: 'jwt', accounts: { pushPublicKey: 'BPk3' } })).toEqual({ mode: 'jwt', accounts: { pushPublicKey: 'BPk3', invites: { defaultTtlHours: 24 } } });
    expect(parseAuthSettings({ ...OIDC, accounts })).toEqual({ ...OIDC, accounts });
    expect(parseAuthSettings({ mode: 'none', accounts })).toEqual({ mode: 'none' });
    expect(parseAuthSettings({ mode: 'jwt', accounts: { pushPublicKey: '' } })).toEqual({ mode: 'jwt' });
    expect(parseAuthSettings({ mode: 'jwt', accounts: 'BPk3' })).toEqual({ mode: 'jwt' });
  });

  it('refuses oidc settings with a missing or empty field', () => {
    expect(parseAuthSettings({ ...OIDC, clientId: '' })).toBeNull();
    expect(parseAuthSettings({ mode: 'oidc', issuer: 'https://id.example.com' })).toBeNull();
    expect(parseAuthSettings(null)).toBeNull();
  });
});
