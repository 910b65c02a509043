import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { CookieJar, headlessSignIn, refreshTokens } from './headless-sign-in';
import { DUET_CLIENT_ID, OidcProvider, OTHER_CLIENT_ID, OTHER_REDIRECT_URI, startOidcProvider } from './oidc-provider';

const DUET_CALLBACK = 'http://127.0.0.1:4999/auth/callback';

describe('startOidcProvider', () => {
  let provider: OidcProvider;

  beforeAll(async () => {
    provider = await startOidcProvider({ redirectUris: [DUET_CALLBACK], postLogoutRedirectUris: ['http://127.0.0.1:4999/'], ttl: { idToken: 120 } });
  });
  afterAll(() => provider.stop());

  const jwks = async () => {
    const response = await fetch(`${provider.issuer}/jwks`);
    return ((await response.json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
  };

  it('serves its discovery document for its issuer, with the endpoints a public client uses', async () => {
    const response = await fetch(`${provider.issuer}/.well-known/openid-configuration`);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: provider.issuer,
      jwks_uri: `${provider.issuer}/jwks`,
      token_endpoint: `${provider.issuer}/token`,
      end_session_endpoint: `${provider.issuer}/session/end`,
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('signs a user in headlessly: an ID token that verifies against its JWKS, for the client, naming the login', async () => {
    const tokens = await headlessSignIn(provider, { username: 'alice', redirectUri: DUET_CALLBACK });
    const { payload } = await jwtVerify(tokens.idToken, createRemoteJWKSet(new URL(`${provider.issuer}/jwks`)), {
      issuer: provider.issuer,
      audience: DUET_CLIENT_ID,
    });
    expect(payload).toMatchObject({ preferred_username: 'alice', email: 'alice@duet.test', sub: 'user:alice' });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(120);
    expect(tokens.refreshToken).toEqual(expect.any(String));
  });

  it('issues ID tokens for the other client with that client as their audience', async () => {
    const tokens = await headlessSignIn(provider, { username: 'bob', clientId: OTHER_CLIENT_ID, redirectUri: OTHER_REDIRECT_URI });
    const { payload } = await jwtVerify(tokens.idToken, createRemoteJWKSet(new URL(`${provider.issuer}/jwks`)), { issuer: provider.issuer });
    expect(payload.aud).toBe(OTHER_CLIENT_ID);
  });

  it('signs with a new key after a rotation, keeping the old one published, or dropping it', async () => {
    const before = decodeProtectedHeader((await headlessSignIn(provider, { username: 'carol', redirectUri: DUET_CALLBACK })).idToken).kid;
    const kept = await provider.rotateSigningKey();
    const after = await headlessSignIn(provider, { username: 'carol', redirectUri: DUET_CALLBACK });
    expect(decodeProtectedHeader(after.idToken).kid).toBe(kept.kid);
    expect(kept.kid).not.toBe(before);
    expect(await jwks()).toEqual([kept.kid, before]);

    const dropped = await provider.rotateSigningKey({ keepOld: false });
    expect(await jwks()).toEqual([dropped.kid]);
    // Tokens issued before a rotation still refresh: only the signing key changed.
    const refreshed = await refreshTokens(provider, after.refreshToken);
    expect(decodeProtectedHeader(refreshed.idToken).kid).toBe(dropped.kid);
  });

  it('refuses every refresh token once they are expired, with invalid_grant', async () => {
    const tokens = await headlessSignIn(provider, { username: 'dave', redirectUri: DUET_CALLBACK });
    const rotated = await refreshTokens(provider, tokens.refreshToken);
    expect(await provider.expireRefreshTokens()).toBeGreaterThan(0);
    await expect(refreshTokens(provider, rotated.refreshToken)).rejects.toThrow(/400: invalid_grant/);
  });

  it('keeps a browser signed in for its session, and asks for the login again once sessions have ended', async () => {
    const cookies = new CookieJar();
    const signIn = async (username: string) => {
      const { idToken } = await headlessSignIn(provider, { username, redirectUri: DUET_CALLBACK, cookies });
      return decodeJwt(idToken)['preferred_username'];
    };
    expect(await signIn('erin')).toBe('erin');
    // No login page within the session: the name typed is never asked for.
    expect(await signIn('not-asked')).toBe('erin');
    expect(await provider.endSessions()).toBeGreaterThan(0);
    expect(await signIn('frank')).toBe('frank');
  });

  it('answers access_denied when the person cancels at the login page', async () => {
    await expect(headlessSignIn(provider, { username: 'gina', redirectUri: DUET_CALLBACK, cancel: true })).rejects.toThrow(
      /answered access_denied: End-User aborted interaction/,
    );
  });

  it('serves a login page with a name, a password and a submit button', async () => {
    const query = new URLSearchParams({
      client_id: DUET_CLIENT_ID,
      redirect_uri: DUET_CALLBACK,
      response_type: 'code',
      scope: 'openid',
      code_challenge: 'a'.repeat(43),
      code_challenge_method: 'S256',
    });
    const authorize = await fetch(`${provider.issuer}/auth?${query}`, { redirect: 'manual' });
    const cookie = authorize.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
    await authorize.body?.cancel();
    const page = await (await fetch(new URL(authorize.headers.get('location') ?? '', provider.issuer), { headers: { cookie } })).text();
    expect(page).toMatch(/<input name="login"/);
    expect(page).toMatch(/<input name="password" type="password">/);
    expect(page).toMatch(/<button type="submit">Sign in<\/button>/);
  });
});
