import { GUEST_PREVIEW_PATH, GUEST_SESSIONS_PATH, HISTORY_PATH, INVITES_PATH, PUSH_SUBSCRIPTIONS_PATH, RING_DECLINE_PATH } from '@duet/shared/protocol';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFFER } from './support/call-flow';
import { uniqueName } from './support/names';
import { requireBuiltServer, runServer, startServerProcess } from './support/server-process';
import { TestClient } from './support/test-client';

/**
 * Without a stable identity (`AUTH_MODE=none`: names are first come, first served) Duet keeps
 * nothing about anyone: no database, no accounts endpoints, no `accounts` in the settings, and
 * calls to someone offline are refused as they always were.
 */
describe('accounts: off without sign-in (AUTH_MODE=none)', () => {
  let server: Awaited<ReturnType<typeof startServerProcess>>;
  let parent: string;
  let dataDir: string;

  beforeAll(async () => {
    requireBuiltServer();
    parent = mkdtempSync(join(tmpdir(), 'duet-no-accounts-'));
    dataDir = join(parent, 'data');
    server = await startServerProcess({ AUTH_MODE: 'none', DATA_DIR: dataDir });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(parent, { recursive: true, force: true });
  });

  it('serves no accounts endpoint, says nothing of accounts in /auth/settings, and opens no database', async () => {
    expect(await (await fetch(`${server.baseUrl}/auth/settings`)).json()).toEqual({ mode: 'none' });
    const calls: [string, string, object | undefined][] = [
      ['GET', HISTORY_PATH, undefined],
      ['DELETE', HISTORY_PATH, undefined],
      ['POST', PUSH_SUBSCRIPTIONS_PATH, { endpoint: 'https://push.example.com/x', keys: { p256dh: 'a', auth: 'b' } }],
      ['DELETE', PUSH_SUBSCRIPTIONS_PATH, { endpoint: 'https://push.example.com/x' }],
      ['POST', RING_DECLINE_PATH, { callId: 'AAAAAAAAAAAAAAAA', capability: 'A'.repeat(43) }],
      // Invite links (issue 25) are an accounts feature too.
      ['POST', INVITES_PATH, {}],
      ['GET', INVITES_PATH, undefined],
      ['DELETE', `${INVITES_PATH}/some-id`, undefined],
      ['POST', GUEST_PREVIEW_PATH, { invite: 'x' }],
      ['POST', GUEST_SESSIONS_PATH, { invite: 'x', displayName: 'Dana' }],
    ];
    for (const [method, path, body] of calls) {
      const response = await fetch(`${server.baseUrl}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      // A 404 that says why, never the web app's page (the SPA fallback answers other GETs).
      const { message } = (await response.json()) as { message: string };
      expect({ method, path, status: response.status, message }).toEqual({ method, path, status: 404, message: expect.stringContaining('need AUTH_MODE=jwt or oidc') });
    }
    expect(existsSync(dataDir)).toBe(false);
    expect(server.output()).toContain('accounts off (AUTH_MODE=none)');
    expect(server.output()).toContain('DATA_DIR is set but AUTH_MODE is');
  });

  it('answers an offer to someone offline with user-offline, as before', async () => {
    const caller = await TestClient.loggedIn(server.wsUrl, uniqueName('abe'));
    caller.send({ type: 'offer', offer: OFFER, otherUsername: uniqueName('bea') });
    expect(await caller.next('error')).toMatchObject({ code: 'user-offline', replyTo: 'offer' });
    caller.close();
  });
});

describe('accounts: a cluster needs PostgreSQL', () => {
  beforeAll(requireBuiltServer);

  it('refuses to start with REDIS_URL but no DATABASE_URL, in a message naming DATABASE_URL', async () => {
    const server = runServer({
      PORT: '0',
      AUTH_MODE: 'jwt',
      AUTH_JWT_SECRET: 'a-test-secret-that-is-long-enough-for-hs256',
      // Never reached: the settings are refused before anything connects.
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(await server.exited).toBe(1);
    expect(server.output()).toContain('Invalid DATABASE_URL');
    expect(server.output()).not.toMatch(/^\s+at /m);
  });
});
