import { GUEST_PREVIEW_PATH, GUEST_SESSIONS_PATH, GuestSession } from '@duet/shared/protocol';
import { GUEST_ENDED_KEY, GUEST_SESSION_KEY, forgetEndedGuest, isGuestPage } from './guest-page';
import { GuestSignInFlow } from './guest-sign-in-flow';
import { INVITE_EXPIRED, INVITE_PROBLEMS, INVITE_UNREACHABLE, LEFT_AS_GUEST } from './guest-words';

const SESSION: GuestSession = {
  token: 'guest.jwt',
  username: 'guest:alice:<b>Ann</b>',
  displayName: '<b>Ann</b>',
  inviter: 'alice',
  expiresAt: 10_000,
};

function reply(status: number, body: unknown): Response {
  return { ok: status < 300, status, json: () => Promise.resolve(body) } as Response;
}

/** A page at `pathname` whose server answers each path with `replies` (a thrown error: unreachable). */
function pageAt(pathname: string, replies: Record<string, Response | Error> = {}) {
  const requests: Array<{ path: string; body: unknown }> = [];
  const replaced: string[] = [];
  const page = {
    location: { pathname, search: '', hash: '' },
    history: { replaceState: (_data: unknown, _unused: string, url: string) => void replaced.push(url) },
    storage: sessionStorage,
    fetch: jest.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const path = String(input);
      requests.push({ path, body: JSON.parse(String(init?.body)) });
      const answer = replies[path];
      if (answer instanceof Error) throw answer;
      return answer ?? reply(404, {});
    }) as typeof fetch,
    now: () => 5_000,
  };
  return { page, requests, replaced };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe(GuestSignInFlow.name, () => {
  afterEach(() => sessionStorage.clear());

  it('says who invited, joins with the display name, keeps the session in the tab and leaves the invite out of the address', async () => {
    const { page, requests, replaced } = pageAt('/join/invite.jwt', {
      [GUEST_PREVIEW_PATH]: reply(200, { inviter: 'alice', expiresAt: 10_000 }),
      [GUEST_SESSIONS_PATH]: reply(201, SESSION),
    });
    const flow = new GuestSignInFlow(page);
    expect(flow.step()).toEqual({ kind: 'guest', inviter: null, pending: false });
    await settle();
    expect(flow.step()).toEqual({ kind: 'guest', inviter: 'alice', pending: false });

    flow.join('  <b>Ann</b>  ');
    expect(flow.step()).toMatchObject({ kind: 'guest', pending: true });
    await settle();
    expect(requests).toEqual([
      { path: GUEST_PREVIEW_PATH, body: { invite: 'invite.jwt' } },
      { path: GUEST_SESSIONS_PATH, body: { invite: 'invite.jwt', displayName: '<b>Ann</b>' } },
    ]);
    expect(flow.step()).toEqual({ kind: 'identity' });
    expect(replaced).toEqual(['/']);
    await expect(flow.tokenSource()).resolves.toBe('guest.jwt');
    expect(JSON.parse(sessionStorage.getItem(GUEST_SESSION_KEY) ?? '')).toEqual(SESSION);
  });

  it('stays in after a reload (the address is / then), and says the invite expired once it has', async () => {
    sessionStorage.setItem(GUEST_SESSION_KEY, JSON.stringify(SESSION));
    expect(isGuestPage({ location: { pathname: '/', search: '', hash: '' }, storage: sessionStorage })).toBe(true);
    const { page } = pageAt('/');
    expect(new GuestSignInFlow(page).step()).toEqual({ kind: 'identity' });

    const later = new GuestSignInFlow({ ...page, now: () => SESSION.expiresAt });
    expect(later.step()).toEqual({ kind: 'no-credentials', message: INVITE_EXPIRED });
    await expect(later.tokenSource()).resolves.toBeNull();
    expect(sessionStorage.getItem(GUEST_SESSION_KEY)).toBeNull();
    expect(sessionStorage.getItem(GUEST_ENDED_KEY)).toBe('1');
  });

  it('says every refusal of the invite or the join in words, and a server out of reach too', async () => {
    for (const problem of ['malformed', 'forged', 'expired', 'revoked'] as const) {
      const { page } = pageAt('/join/x', { [GUEST_PREVIEW_PATH]: reply(410, { statusCode: 410, message: 'm', problem }) });
      const flow = new GuestSignInFlow(page);
      await settle();
      expect(flow.step()).toEqual({ kind: 'guest', inviter: null, pending: false, error: INVITE_PROBLEMS[problem] });
    }
    for (const problem of ['invalid-name', 'name-taken', 'guest-limit', 'rate-limited'] as const) {
      const { page } = pageAt('/join/x', {
        [GUEST_PREVIEW_PATH]: reply(200, { inviter: 'alice', expiresAt: 10_000 }),
        [GUEST_SESSIONS_PATH]: reply(409, { statusCode: 409, message: 'm', problem }),
      });
      const flow = new GuestSignInFlow(page);
      await settle();
      flow.join('Ann');
      await settle();
      expect(flow.step()).toEqual({ kind: 'guest', inviter: 'alice', pending: false, error: INVITE_PROBLEMS[problem] });
      expect(sessionStorage.getItem(GUEST_SESSION_KEY)).toBeNull();
    }
    const { page } = pageAt('/join/x', { [GUEST_PREVIEW_PATH]: new TypeError('Failed to fetch') });
    const flow = new GuestSignInFlow(page);
    await settle();
    expect(flow.step()).toMatchObject({ error: INVITE_UNREACHABLE });
  });

  it('refuses a name that breaks the rule without asking the server', async () => {
    const { page, requests } = pageAt('/join/x', { [GUEST_PREVIEW_PATH]: reply(200, { inviter: 'alice', expiresAt: 10_000 }) });
    const flow = new GuestSignInFlow(page);
    await settle();
    flow.join('   ');
    flow.join('a\u202Eb');
    expect(flow.step()).toEqual({ kind: 'guest', inviter: 'alice', pending: false, error: INVITE_PROBLEMS['invalid-name'] });
    expect(requests.map((request) => request.path)).toEqual([GUEST_PREVIEW_PATH]);
  });

  it('forgets the session when the guest leaves: the page, reloaded too, says the link can be opened again', async () => {
    sessionStorage.setItem(GUEST_SESSION_KEY, JSON.stringify(SESSION));
    const flow = new GuestSignInFlow(pageAt('/').page);
    await flow.signOut();
    expect(flow.step()).toEqual({ kind: 'no-credentials', message: LEFT_AS_GUEST });
    expect(sessionStorage.getItem(GUEST_SESSION_KEY)).toBeNull();
    await expect(flow.tokenSource()).resolves.toBeNull();

    const at = (pathname: string, search = '', hash = '') => ({ location: { pathname, search, hash }, storage: sessionStorage });
    expect(isGuestPage(at('/'))).toBe(true);
    expect(new GuestSignInFlow(pageAt('/').page).step()).toEqual({ kind: 'no-credentials', message: LEFT_AS_GUEST });
    // A portal's token, a sign-in's callback or a notification's Answer make it a member's page again.
    expect(isGuestPage(at('/', '', '#access_token=x'))).toBe(false);
    expect(isGuestPage(at('/auth/callback', '?code=c'))).toBe(false);
    expect(isGuestPage(at('/', '?answer=c'))).toBe(false);
    // Once a member's page has opened in the tab (main.ts forgets the ended session), `/` is theirs.
    forgetEndedGuest(sessionStorage);
    expect(isGuestPage(at('/'))).toBe(false);
    // A new invite link starts afresh.
    sessionStorage.setItem(GUEST_ENDED_KEY, '1');
    new GuestSignInFlow(pageAt('/join/x').page);
    expect(sessionStorage.getItem(GUEST_ENDED_KEY)).toBeNull();
  });
});
