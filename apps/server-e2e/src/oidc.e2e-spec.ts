import { DuetModule, useDuetSignaling } from '@duet/server/app';
import { ConfigError, loadConfig } from '@duet/server/config';
import { CloseCode } from '@duet/shared/protocol';
import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AddressInfo } from 'node:net';
import { CLIENT_ID, FakeIssuer, oidcAuth, startFakeIssuer } from './support/oidc-issuer';
import { waitFor } from './support/server-process';
import { TestClient } from './support/test-client';
import { startTestServer, TestServer } from './support/test-server';
import { HS_SECRET, hsKey, signToken } from './support/tokens';

const withToken = (token: string) => ({ protocols: ['duet', `access_token.${token}`] });

/** Connects with `token` and logs in without a name; resolves with the client and the reply. */
async function nameless(server: TestServer, token?: string) {
  const client = await TestClient.connect(server.wsUrl, token === undefined ? {} : withToken(token));
  client.send({ type: 'login' });
  return { client, reply: await client.next('login') };
}

describe('company sign-in (AUTH_MODE=oidc): ID tokens verified with the keys from discovery', () => {
  let issuer: FakeIssuer;
  let server: TestServer;
  const clients: TestClient[] = [];
  beforeAll(async () => {
    issuer = await startFakeIssuer();
    server = await startTestServer({ auth: oidcAuth(issuer.issuer) });
  });
  afterEach(() => clients.splice(0).forEach((client) => client.close()));
  afterAll(async () => {
    await server.close();
    await issuer.close();
  });

  it('logs a name-less login in as the first valid name of preferred_username, email, sub', async () => {
    const upn = await nameless(server, await issuer.sign({ sub: 'id-1', preferred_username: 'alice@contoso.com' }));
    clients.push(upn.client);
    expect(upn.reply).toMatchObject({ type: 'login', success: true, username: 'alice@contoso.com' });
    // A display name is no username: the e-mail address is taken instead.
    const email = await nameless(server, await issuer.sign({ sub: 'id-2', preferred_username: 'Bob Jones', email: 'bob@contoso.com' }));
    clients.push(email.client);
    expect(email.reply).toMatchObject({ success: true, username: 'bob@contoso.com' });
  });

  it('refuses a forged token, and one issued for another client, with 401 at the upgrade', async () => {
    const forged = await issuer.sign({ preferred_username: 'mallory' }, { forged: true });
    await expect(TestClient.connect(server.wsUrl, withToken(forged))).rejects.toThrow(/401/);
    const otherApp = await issuer.sign({ preferred_username: 'mallory' }, { audience: 'other-app' });
    await expect(TestClient.connect(server.wsUrl, withToken(otherApp))).rejects.toThrow(/401/);
  });

  it('renews the credentials in place: the socket outlives the first token, while one not renewed closes 4401', async () => {
    const expiresIn = 2;
    const renewed = await nameless(server, await issuer.sign({ preferred_username: 'carol' }, { expiresIn }));
    const control = await nameless(server, await issuer.sign({ preferred_username: 'dave' }, { expiresIn }));
    clients.push(renewed.client, control.client);
    const firstExpiry = Math.floor(Date.now() / 1_000 + expiresIn) * 1_000;

    renewed.client.send({ type: 'token', token: await issuer.sign({ preferred_username: 'carol' }, { expiresIn: 300 }) });
    const reply = await renewed.client.next('token');
    expect(reply).toEqual({ type: 'token', success: true, expiresAt: expect.any(Number) });
    expect(reply['expiresAt']).toBeGreaterThan(Date.now() + 250_000);

    expect(await control.client.closed).toEqual({ code: CloseCode.credentialsExpired, reason: 'credentials expired' });
    await waitFor(() => Date.now() > firstExpiry + 500, 10_000, () => 'the clock did not pass the first expiry');
    renewed.client.send({ type: 'search', prefix: 'car' });
    expect(await renewed.client.next('search')).toMatchObject({ users: ['carol'] });
    expect(renewed.client.isOpen).toBe(true);
  });

  it('refuses a renewal for another user, a forged, expired or foreign one, and keeps the old expiry', async () => {
    const { client } = await nameless(server, await issuer.sign({ preferred_username: 'erin' }, { expiresIn: 2 }));
    clients.push(client);
    const attempts: [string, string][] = [
      ['forbidden', await issuer.sign({ preferred_username: 'frank' })],
      ['invalid', await issuer.sign({ preferred_username: 'erin' }, { forged: true })],
      ['invalid', await issuer.sign({ preferred_username: 'erin' }, { expiresIn: -60 })],
      ['invalid', await issuer.sign({ preferred_username: 'erin' }, { audience: 'other-app' })],
    ];
    for (const [reason, token] of attempts) {
      client.send({ type: 'token', token });
      expect(await client.next('token')).toEqual({ type: 'token', success: false, reason, message: expect.any(String) });
    }
    expect(await client.closed).toEqual({ code: CloseCode.credentialsExpired, reason: 'credentials expired' });
  });

  it('asks for a login before a token', async () => {
    const client = await TestClient.connect(server.wsUrl, withToken(await issuer.sign({ preferred_username: 'gina' })));
    clients.push(client);
    client.send({ type: 'token', token: await issuer.sign({ preferred_username: 'gina' }) });
    expect(await client.next('error')).toMatchObject({ code: 'not-logged-in', replyTo: 'token' });
  });

  it('serves the public client settings, uncached, and lets the page fetch the provider (CSP)', async () => {
    const response = await fetch(`${server.httpUrl}/auth/settings`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ mode: 'oidc', issuer: issuer.issuer, clientId: CLIENT_ID, scopes: 'openid profile email offline_access' });
    const page = await fetch(`${server.httpUrl}/`);
    expect(page.headers.get('content-security-policy')).toContain(`connect-src 'self' ${new URL(issuer.issuer).origin} https://tokens.idp.test;`);
  });
});

describe('name-less login and in-band renewal in the other modes', () => {
  let server: TestServer;
  afterEach(async () => {
    await server.close();
  });

  it('JWT mode: a name-less login takes the token\'s name, /auth/settings says jwt', async () => {
    server = await startTestServer({
      auth: { mode: 'jwt', secret: HS_SECRET, publicKeyFile: undefined, jwksUrl: undefined, issuer: undefined, audience: undefined, usernameClaim: 'sub' },
    });
    const { client, reply } = await nameless(server, await signToken(hsKey(), 'HS256', { sub: 'hank', issuer: 'x', audience: 'y' }));
    expect(reply).toMatchObject({ success: true, username: 'hank' });
    client.send({ type: 'token', token: await signToken(hsKey(), 'HS256', { sub: 'hank', expiresIn: 600 }) });
    expect(await client.next('token')).toMatchObject({ success: true });
    client.close();
    expect(await (await fetch(`${server.httpUrl}/auth/settings`)).json()).toEqual({ mode: 'jwt' });
  });

  it('open mode: a name-less login is refused as invalid, a token is unsupported, /auth/settings says none', async () => {
    server = await startTestServer();
    const { client, reply } = await nameless(server);
    expect(reply).toMatchObject({ success: false, reason: 'invalid', message: expect.stringContaining('username: required') });
    client.send({ type: 'login', username: 'ivy' });
    expect(await client.next('login')).toMatchObject({ success: true });
    client.send({ type: 'token', token: 'a.b.c' });
    expect(await client.next('token')).toMatchObject({ success: false, reason: 'unsupported' });
    client.close();
    const response = await fetch(`${server.httpUrl}/auth/settings`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ mode: 'none' });
    expect((await fetch(`${server.httpUrl}/`)).headers.get('content-security-policy')).toContain("connect-src 'self';");
  });
});

describe('company sign-in in an application of your own (DuetModule)', () => {
  let issuer: FakeIssuer;
  let app: INestApplication | undefined;
  beforeAll(async () => {
    issuer = await startFakeIssuer();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await issuer.close();
  });
  const settings = (oidcIssuer: string) =>
    loadConfig({ PORT: '0', HOST: '127.0.0.1', AUTH_MODE: 'oidc', OIDC_ISSUER: oidcIssuer, OIDC_CLIENT_ID: CLIENT_ID });

  it('fetches the discovery document while the application starts (forRootAsync), then signs people in', async () => {
    @Module({ imports: [DuetModule.forRootAsync({ useFactory: () => settings(issuer.issuer) })] })
    class EmbeddingModule {}
    app = await NestFactory.create(EmbeddingModule, { logger: ['error'] });
    useDuetSignaling(app);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    const client = await TestClient.connect(`ws://127.0.0.1:${port}/ws`, withToken(await issuer.sign({ preferred_username: 'judy' })));
    client.send({ type: 'login' });
    expect(await client.next('login')).toMatchObject({ success: true, username: 'judy' });
    client.close();
    expect(await (await fetch(`http://127.0.0.1:${port}/auth/settings`)).json()).toMatchObject({ mode: 'oidc', clientId: CLIENT_ID });
  });

  it('refuses to start (forRoot) when the provider\'s discovery document names another issuer', async () => {
    const config = { ...settings(issuer.issuer), auth: { ...oidcAuth(`${issuer.issuer}-typo`) } };
    @Module({ imports: [DuetModule.forRoot({ config })] })
    class EmbeddingModule {}
    await expect(NestFactory.create(EmbeddingModule, { logger: false, abortOnError: false })).rejects.toThrow(
      new ConfigError(`Invalid OIDC_ISSUER="${issuer.issuer}-typo": discovery document ${issuer.issuer}-typo/.well-known/openid-configuration cannot be fetched (HTTP 404)`),
    );
  });
});
