import { TestBed } from '@angular/core/testing';
import { AUTH_TOKEN_SOURCE } from '@duet/web/rtc';
import { ACCOUNTS_FETCH, AccountsApi, AccountsApiError } from './accounts-api';

function setUp(token: string | null, respond: () => Promise<Response>) {
  const fetch = jest.fn<typeof globalThis.fetch>(() => respond());
  TestBed.configureTestingModule({
    providers: [
      { provide: ACCOUNTS_FETCH, useValue: fetch },
      { provide: AUTH_TOKEN_SOURCE, useValue: () => Promise.resolve(token) },
    ],
  });
  return { api: TestBed.inject(AccountsApi), fetch };
}

/** jsdom has no Response: what AccountsApi reads of one. */
function reply(status: number, body?: unknown): Promise<Response> {
  const json = async () => (typeof body === 'string' ? JSON.parse(body) : body);
  return Promise.resolve({ ok: status >= 200 && status < 300, status, statusText: '', json } as Response);
}
const json = (body: unknown, status = 200) => reply(status, body);

describe(AccountsApi.name, () => {
  it('asks for a history page with the current token as a bearer token', async () => {
    const { api, fetch } = setUp('token-1', () => json({ calls: [], next: 'c2' }));
    await expect(api.history('c1', 20)).resolves.toEqual({ calls: [], next: 'c2' });
    const [path, init] = fetch.mock.calls[0];
    expect(path).toBe('/api/history?before=c1&limit=20');
    expect(init).toMatchObject({ method: 'GET', cache: 'no-store', headers: { authorization: 'Bearer token-1' } });
  });

  it('sends no authorization header when there is no token', async () => {
    const { api, fetch } = setUp(null, () => reply(204));
    await api.clearHistory();
    const [path, init] = fetch.mock.calls[0];
    expect(path).toBe('/api/history');
    expect(init?.method).toBe('DELETE');
    expect(init?.headers).not.toHaveProperty('authorization');
  });

  it('posts and deletes push subscriptions as JSON', async () => {
    const { api, fetch } = setUp('t', () => reply(201));
    const subscription = { endpoint: 'https://push.example/1', keys: { p256dh: 'p', auth: 'a' } };
    await api.subscribePush(subscription);
    await api.unsubscribePush({ endpoint: subscription.endpoint });
    expect(fetch.mock.calls.map(([path, init]) => [path, init?.method, init?.body])).toEqual([
      ['/api/push-subscriptions', 'POST', JSON.stringify(subscription)],
      ['/api/push-subscriptions', 'DELETE', JSON.stringify({ endpoint: subscription.endpoint })],
    ]);
    expect(fetch.mock.calls[0][1]?.headers).toMatchObject({ 'content-type': 'application/json' });
  });

  it('creates, lists and revokes invites with the token as a bearer token', async () => {
    const invite = { id: 'i 1', createdAt: 1, expiresAt: 2, url: 'https://duet.test/join/t' };
    const { api, fetch } = setUp('token-1', () => json(invite, 201));
    await expect(api.createInvite(24)).resolves.toEqual(invite);
    await api.invites();
    await api.revokeInvite('i 1');
    expect(fetch.mock.calls.map(([path, init]) => [path, init?.method, init?.body])).toEqual([
      ['/api/invites', 'POST', '{"ttlHours":24}'],
      ['/api/invites', 'GET', undefined],
      ['/api/invites/i%201', 'DELETE', undefined],
    ]);
    expect(fetch.mock.calls[2][1]).toMatchObject({ headers: { authorization: 'Bearer token-1' } });
  });

  it('turns a refusal into an error with the status and the server’s message', async () => {
    const { api } = setUp('t', () => json({ statusCode: 400, message: 'push endpoint host not allowed' }, 400));
    const error = await api.subscribePush({ endpoint: 'http://x', keys: { p256dh: 'p', auth: 'a' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AccountsApiError);
    expect(error).toMatchObject({ status: 400, message: 'push endpoint host not allowed' });
  });

  it('says the status when the refusal has no message, and status 0 when the server cannot be reached', async () => {
    const refused = setUp('t', () => reply(503, 'oops'));
    await expect(refused.api.history()).rejects.toMatchObject({ status: 503, message: 'HTTP 503' });
    TestBed.resetTestingModule();
    const offline = setUp('t', () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(offline.api.history()).rejects.toMatchObject({ status: 0, message: 'Failed to fetch' });
  });
});
