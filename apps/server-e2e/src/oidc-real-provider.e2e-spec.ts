import {
  DUET_CLIENT_ID,
  duetClientUris,
  headlessSignIn,
  OidcProvider,
  OTHER_CLIENT_ID,
  OTHER_REDIRECT_URI,
  refreshTokens,
  StartedServer,
  startOidcProvider,
} from '@duet/testing/processes';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { freePort, requireBuiltServer, runServer, startServerProcess } from './support/server-process';
import { TestClient } from './support/test-client';

const withToken = (token: string) => ({ protocols: ['duet', `access_token.${token}`] });

/**
 * The production server in AUTH_MODE=oidc against a real oidc-provider, with real `ws` clients: what
 * it admits at the upgrade and what it renews in-band. The browser's side (sign-in, renewal during a
 * call, key rotation, log-out) is web-e2e's oidc spec.
 */
describe('AUTH_MODE=oidc against a real OpenID provider', () => {
  let provider: OidcProvider;
  let server: StartedServer;
  let redirectUri: string;
  const signIn = (username: string) => headlessSignIn(provider, { username, redirectUri });

  beforeAll(async () => {
    requireBuiltServer();
    const port = await freePort();
    const uris = duetClientUris(`http://127.0.0.1:${port}`);
    redirectUri = uris.redirectUris[0];
    provider = await startOidcProvider({ ...uris, ttl: { idToken: 120, accessToken: 120 } });
    server = await startServerProcess({ AUTH_MODE: 'oidc', OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: DUET_CLIENT_ID }, port);
  }, 30_000);

  afterAll(async () => {
    await server?.stop();
    await provider?.stop();
  });

  it('refuses to start, in one line naming OIDC_CLIENT_ID, with a client id the provider does not know', async () => {
    const wrong = runServer({ PORT: '0', AUTH_MODE: 'oidc', OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: 'duet-typo' });
    expect(await wrong.exited).toBe(1);
    const lines = wrong.output().trim().split('\n').filter((line) => line.trim() !== '');
    expect(lines.at(-1)).toBe(
      'Invalid OIDC_CLIENT_ID="duet-typo": the provider\'s token endpoint does not accept it as a public client (invalid_client): register Duet there as a public client (no secret) under this id',
    );
    expect(lines.some((line) => /^\s+at /.test(line))).toBe(false);
  });

  it("admits the provider's ID token for Duet and logs in, with no name given, as its preferred_username", async () => {
    const { idToken } = await signIn('oidc-ann');
    const client = await TestClient.connect(server.wsUrl, withToken(idToken));
    client.send({ type: 'login' });
    expect(await client.next('login')).toMatchObject({ success: true, username: 'oidc-ann' });
    client.close();
  });

  it('refuses, with HTTP 401, a token signed by another key even with the claims and kid of a real one', async () => {
    const real = await signIn('oidc-ben');
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(decodeJwt(real.idToken))
      .setProtectedHeader({ alg: 'RS256', kid: decodeProtectedHeader(real.idToken).kid })
      .sign(privateKey);
    await expect(TestClient.connect(server.wsUrl, withToken(forged))).rejects.toThrow(/401/);
  });

  it('refuses, with HTTP 401, a real ID token the provider issued to another client (audience)', async () => {
    const { idToken } = await headlessSignIn(provider, { username: 'oidc-cleo', clientId: OTHER_CLIENT_ID, redirectUri: OTHER_REDIRECT_URI });
    expect(decodeJwt(idToken)).toMatchObject({ aud: OTHER_CLIENT_ID, iss: provider.issuer });
    await expect(TestClient.connect(server.wsUrl, withToken(idToken))).rejects.toThrow(/401/);
  });

  it('renews in place with a refreshed ID token, and refuses one that names someone else', async () => {
    const dan = await signIn('oidc-dan');
    const client = await TestClient.connect(server.wsUrl, withToken(dan.idToken));
    client.send({ type: 'login' });
    expect(await client.next('login')).toMatchObject({ success: true, username: 'oidc-dan' });

    const renewed = await refreshTokens(provider, dan.refreshToken);
    client.send({ type: 'token', token: renewed.idToken });
    expect(await client.next('token')).toEqual({ type: 'token', success: true, expiresAt: (decodeJwt(renewed.idToken).exp ?? 0) * 1_000 });

    client.send({ type: 'token', token: (await signIn('oidc-eve')).idToken });
    expect(await client.next('token')).toMatchObject({ success: false, reason: 'forbidden' });
    expect(client.isOpen).toBe(true);
    client.close();
  });
});
