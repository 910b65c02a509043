import { ConnectionAuthenticator, Identity } from '@duet/server/auth';
import { DUET_CONFIG, loadConfig } from '@duet/server/config';
import { PushSubscriptionStore, ServerKeyStore } from '@duet/server/storage';
import { MAX_ACCOUNTS_BODY_BYTES, MAX_PUSH_SUBSCRIPTIONS, PUSH_SUBSCRIPTIONS_PATH } from '@duet/shared/protocol';
import { PushEndpoint, startPushEndpoint } from '@duet/testing/processes';
import { Global, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemoryPushSubscriptionStore, InMemoryServerKeyStore } from '../testing/in-memory-stores';
import { PushModule } from './push.module';
import { VapidKeys } from './vapid-keys';

/** `Bearer <name>-token` is <name>. */
class TokenPerName extends ConnectionAuthenticator {
  async authenticate(request: IncomingMessage): Promise<Identity | undefined> {
    const name = /^Bearer (\w+)-token$/.exec(request.headers.authorization ?? '')?.[1];
    return name === undefined ? undefined : { username: name };
  }
}

describe('PushSubscriptionsController', () => {
  const subscriptions = new InMemoryPushSubscriptionStore();
  let endpoint: PushEndpoint;
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    endpoint = await startPushEndpoint();
    const config = loadConfig({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: 's'.repeat(32), PUSH_ENDPOINT_HOSTS: `${endpoint.host},*.push.apple.com` });

    @Global()
    @Module({
      providers: [{ provide: DUET_CONFIG, useValue: config }, { provide: ConnectionAuthenticator, useClass: TokenPerName }],
      exports: [DUET_CONFIG, ConnectionAuthenticator],
    })
    class TheApplication {}

    @Module({
      providers: [
        { provide: PushSubscriptionStore, useValue: subscriptions },
        { provide: ServerKeyStore, useValue: new InMemoryServerKeyStore() },
      ],
      exports: [PushSubscriptionStore, ServerKeyStore],
    })
    class Stores {}

    const moduleRef = await Test.createTestingModule({ imports: [TheApplication, PushModule.forRoot({ imports: [Stores] })] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}${PUSH_SUBSCRIPTIONS_PATH}`;
  });

  afterAll(async () => {
    await app.close();
    await endpoint.close();
  });

  beforeEach(() => subscriptions.byEndpoint.clear());

  const call = async (method: 'POST' | 'DELETE', body: unknown, user = 'alice', headers: Record<string, string> = {}) => {
    const response = await fetch(url, {
      method,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${user}-token`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, message: text === '' ? undefined : (JSON.parse(text) as { message?: string }).message };
  };

  it('resolves VAPID keys at start-up', () => {
    expect(app.get(VapidKeys).publicKey).toMatch(/^[\w-]{87}$/);
  });

  it('keeps a subscription (201), and the same endpoint again renews it (200)', async () => {
    const { json } = endpoint.subscription();
    expect(await call('POST', json)).toEqual({ status: 201, message: undefined });
    const renewed = { ...json, keys: endpoint.subscription().json.keys };
    expect((await call('POST', renewed)).status).toBe(200);
    expect(await subscriptions.list('alice')).toEqual([expect.objectContaining({ endpoint: json.endpoint, p256dh: renewed.keys.p256dh })]);
  });

  it('refuses a request without the account token (401)', async () => {
    const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(endpoint.subscription().json) });
    expect(response.status).toBe(401);
    expect(subscriptions.byEndpoint.size).toBe(0);
  });

  it.each([
    ['no keys', (json: object) => ({ ...json, keys: undefined }), /^invalid push subscription: keys: expected object$/],
    ['a p256dh that is not base64url', (json: { keys: object }) => ({ ...json, keys: { ...json.keys, p256dh: 'a+b/c' } }), /^invalid push subscription: keys\.p256dh: not base64url$/],
    ['a p256dh that is no P-256 key', (json: { keys: object }) => ({ ...json, keys: { ...json.keys, p256dh: 'AAAA' } }), /^invalid push subscription: keys\.p256dh: not an uncompressed P-256 public key$/],
    ['a p256dh off the curve', (json: { keys: object }) => ({ ...json, keys: { ...json.keys, p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64)]).toString('base64url') } }), /keys\.p256dh: not an uncompressed P-256 public key$/],
    ['an auth secret under 16 bytes', (json: { keys: object }) => ({ ...json, keys: { ...json.keys, auth: 'BBBB' } }), /^invalid push subscription: keys\.auth: shorter than 16 bytes$/],
    ['a number as endpoint', (json: object) => ({ ...json, endpoint: 42 }), /^invalid push subscription: endpoint: expected string$/],
    ['an endpoint too long', (json: object) => ({ ...json, endpoint: `https://x.push.apple.com/${'x'.repeat(2_048)}` }), /^invalid push subscription: endpoint: at most 2048 characters$/],
    ['an http URL', (json: object) => ({ ...json, endpoint: 'http://fcm.googleapis.com/fcm/send/x' }), /^push endpoint must be an https:\/\/ URL$/],
    ['a host that is not a push service', (json: object) => ({ ...json, endpoint: 'https://internal.example/x' }), /^push endpoint host internal\.example is not an allowed push service/],
    ['a loopback address', (json: object) => ({ ...json, endpoint: 'https://127.0.0.1/push/x' }), /127\.0\.0\.1 is not an allowed push service/],
    ['a URL that is not one', (json: object) => ({ ...json, endpoint: 'not a url' }), /not a URL/],
  ])('refuses a subscription with %s (400), saying so', async (_, change, message) => {
    const result = await call('POST', change(endpoint.subscription().json as never));
    expect(result.status).toBe(400);
    expect(result.message).toMatch(message);
    expect(subscriptions.byEndpoint.size).toBe(0);
  });

  it.each([
    ['malformed JSON', '{"endpoint":', /JSON/],
    ['an array', '[]', /^invalid push subscription: body: expected a JSON object$/],
    ['nothing', '', /^invalid push subscription: endpoint: expected string$/],
  ])('refuses %s as a body (400)', async (_, body, message) => {
    expect(await call('POST', body)).toEqual({ status: 400, message: expect.stringMatching(message) });
  });

  it('refuses a body without a declared length (411)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const chunked = request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'Bearer alice-token' } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      chunked.on('error', reject);
      chunked.write(JSON.stringify(endpoint.subscription().json));
      chunked.end();
    });
    expect(status).toBe(411);
    expect(subscriptions.byEndpoint.size).toBe(0);
  });

  it(`refuses a body over ${MAX_ACCOUNTS_BODY_BYTES} bytes (413), and keeps nothing`, async () => {
    const { json } = endpoint.subscription();
    const result = await call('POST', { ...json, padding: 'x'.repeat(MAX_ACCOUNTS_BODY_BYTES) });
    expect(result).toEqual({ status: 413, message: `the body may hold at most ${MAX_ACCOUNTS_BODY_BYTES} bytes` });
    expect(subscriptions.byEndpoint.size).toBe(0);
  });

  it(`refuses a subscription beyond ${MAX_PUSH_SUBSCRIPTIONS} per user (409), keeping the ones there are`, async () => {
    for (let index = 0; index < MAX_PUSH_SUBSCRIPTIONS; index += 1) expect((await call('POST', endpoint.subscription().json)).status).toBe(201);
    const eleventh = await call('POST', endpoint.subscription().json);
    expect(eleventh.status).toBe(409);
    expect(eleventh.message).toMatch(/already have 10 browsers subscribed.*unsubscribe one first/);
    expect(await subscriptions.list('alice')).toHaveLength(MAX_PUSH_SUBSCRIPTIONS);
    expect((await call('POST', endpoint.subscription().json, 'bob')).status).toBe(201);
  });

  it('forgets a subscription (204), then has none to forget (404)', async () => {
    const { json } = endpoint.subscription();
    await call('POST', json);
    expect(await call('DELETE', { endpoint: json.endpoint })).toEqual({ status: 204, message: undefined });
    expect(await call('DELETE', { endpoint: json.endpoint })).toEqual({ status: 404, message: 'no such push subscription' });
  });

  it("never forgets another user's subscription", async () => {
    const { json } = endpoint.subscription();
    await call('POST', json, 'bob');
    expect((await call('DELETE', { endpoint: json.endpoint }, 'alice')).status).toBe(404);
    expect(await subscriptions.any('bob')).toBe(true);
  });

  it('refuses an unsubscribe request without an endpoint (400)', async () => {
    expect(await call('DELETE', {})).toMatchObject({ status: 400, message: expect.stringMatching(/invalid unsubscribe request: endpoint/) });
  });
});
