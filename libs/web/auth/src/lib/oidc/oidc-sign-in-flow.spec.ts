import { signal } from '@angular/core';
import { SignInStep } from '@duet/web/rtc';
import { Subject } from 'rxjs';
import { OidcClient, OidcFailure, OidcSession } from './oidc-client';
import { FAILED_WORDS, UNREACHABLE_WORDS } from './oidc-error-words';
import { OidcSignInFlow } from './oidc-sign-in-flow';

const T0 = 1_800_000_000_000;
const APP = 'https://duet.example.com/';
const CALLBACK = 'https://duet.example.com/auth/callback?code=c0de&state=s7a7e';

/** A 20 s token issued at `issuedAt`: its renewal is due 15 s in. */
function session(name: string, issuedAt = Date.now(), canRefresh = true): OidcSession {
  return { idToken: name, issuedAt, expiresAt: issuedAt + 20_000, canRefresh };
}

/** Stands in for oidc-client-ts: each method is a jest mock the test scripts. */
function fakeClient(stored: OidcSession | null = null): jest.Mocked<OidcClient> {
  return {
    storedSession: jest.fn(async () => stored),
    completeSignIn: jest.fn(async () => ({ session: session('id.from.callback'), returnTo: '/' })),
    refresh: jest.fn(async () => session('id.renewed')),
    startSignIn: jest.fn(async () => undefined),
    signOut: jest.fn(async () => undefined),
    forget: jest.fn(async () => undefined),
  };
}

describe(OidcSignInFlow.name, () => {
  let flow: OidcSignInFlow;
  let replaceUrl: jest.Mock;
  let warn: jest.SpyInstance;
  /** The page's path and query, as the flow reads it when it leaves for the provider. */
  let here = '/';

  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
    replaceUrl = jest.fn();
    here = '/';
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => {
    flow.dispose();
    jest.useRealTimers();
    warn.mockRestore();
  });

  async function started(client: OidcClient, url = APP, signInAtOnce = false): Promise<OidcSignInFlow> {
    const state = { step: signal<SignInStep>({ kind: 'company', pending: true }), renewals: new Subject<string>() };
    flow = new OidcSignInFlow(client, '/auth/callback', state, () => here);
    await flow.start(new URL(url), replaceUrl, signInAtOnce);
    return flow;
  }

  it('asks the person to sign in with their company when the tab holds no session', async () => {
    await started(fakeClient(null));
    expect(flow.step()).toEqual({ kind: 'company', pending: false });
    await expect(flow.freshIdToken()).resolves.toBeNull();
  });

  it('completes the code exchange at the callback, cleans the address and signs in', async () => {
    const client = fakeClient();
    await started(client, CALLBACK);
    expect(client.completeSignIn).toHaveBeenCalledWith(CALLBACK);
    expect(replaceUrl).toHaveBeenCalledWith('/');
    expect(flow.step()).toEqual({ kind: 'identity' });
    await expect(flow.freshIdToken()).resolves.toBe('id.from.callback');
  });

  it("shows the provider's error in words at the callback, and cleans the address", async () => {
    const client = fakeClient();
    client.completeSignIn.mockRejectedValue(new OidcFailure('refused', 'access_denied'));
    await started(client, 'https://duet.example.com/auth/callback?error=access_denied&state=s7a7e');
    expect(flow.step()).toEqual({ kind: 'company', pending: false, error: "You cancelled the sign-in at your company's page." });
    expect(replaceUrl).toHaveBeenCalledWith('/');
  });

  it('says so in words when the code exchange fails or the provider cannot be reached', async () => {
    const client = fakeClient();
    client.completeSignIn.mockRejectedValueOnce(new Error('No matching state found in storage'));
    await started(client, CALLBACK);
    expect(flow.step()).toEqual({ kind: 'company', pending: false, error: FAILED_WORDS });
    flow.dispose();
    client.completeSignIn.mockRejectedValueOnce(new OidcFailure('unreachable'));
    await started(client, CALLBACK);
    expect(flow.step()).toEqual({ kind: 'company', pending: false, error: UNREACHABLE_WORDS });
  });

  it('treats a callback address without a code or error (a bookmark) as a plain start', async () => {
    const client = fakeClient(session('id.stored', T0 - 5_000));
    await started(client, 'https://duet.example.com/auth/callback');
    expect(client.completeSignIn).not.toHaveBeenCalled();
    expect(replaceUrl).toHaveBeenCalledWith('/');
    expect(flow.step()).toEqual({ kind: 'identity' });
  });

  it('keeps a stored session that is still valid (a reload)', async () => {
    const client = fakeClient(session('id.stored', T0 - 5_000));
    await started(client);
    expect(flow.step()).toEqual({ kind: 'identity' });
    expect(client.refresh).not.toHaveBeenCalled();
  });

  it('renews an expired stored session with the refresh token before signing in', async () => {
    const client = fakeClient(session('id.stored', T0 - 60_000));
    await started(client);
    expect(client.refresh).toHaveBeenCalledTimes(1);
    expect(flow.step()).toEqual({ kind: 'identity' });
    await expect(flow.freshIdToken()).resolves.toBe('id.renewed');
  });

  it('leaves for the company sign-in at once when the refresh of an expired session is refused', async () => {
    const client = fakeClient(session('id.stored', T0 - 60_000));
    client.refresh.mockRejectedValue(new OidcFailure('refused', 'invalid_grant'));
    await started(client);
    expect(client.forget).toHaveBeenCalled();
    expect(client.startSignIn).toHaveBeenCalledTimes(1);
    expect(flow.step()).toEqual({ kind: 'company', pending: true });
  });

  it('leaves for the company sign-in when an expired session has no refresh token', async () => {
    const client = fakeClient(session('id.stored', T0 - 60_000, false));
    await started(client);
    expect(client.refresh).not.toHaveBeenCalled();
    expect(client.startSignIn).toHaveBeenCalledTimes(1);
  });

  it('renews on schedule (a 20 s token at 15 s) and emits each renewed ID token', async () => {
    const client = fakeClient();
    await started(client, CALLBACK);
    const renewed: string[] = [];
    flow.renewals.subscribe((token) => renewed.push(token));
    await jest.advanceTimersByTimeAsync(14_999);
    expect(client.refresh).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(renewed).toEqual(['id.renewed']);
    await jest.advanceTimersByTimeAsync(15_000);
    expect(renewed).toEqual(['id.renewed', 'id.renewed']);
    expect(flow.step()).toEqual({ kind: 'identity' });
  });

  it('keeps the same identity step across a renewal, so the page does not log in again', async () => {
    await started(fakeClient(), CALLBACK);
    const before = flow.step();
    await jest.advanceTimersByTimeAsync(15_000);
    expect(flow.step()).toBe(before);
  });

  it('renews first when a token is asked for near expiry, once for concurrent asks', async () => {
    const client = fakeClient(session('id.stored', T0 - 16_000));
    await started(client);
    const tokens = await Promise.all([flow.freshIdToken(), flow.freshIdToken()]);
    expect(tokens).toEqual(['id.renewed', 'id.renewed']);
    expect(client.refresh).toHaveBeenCalledTimes(1);
  });

  it('hands out the token it has, without a renewal, while the renewal is not due', async () => {
    const client = fakeClient(session('id.stored', T0 - 5_000));
    await started(client);
    await expect(flow.freshIdToken()).resolves.toBe('id.stored');
    expect(client.refresh).not.toHaveBeenCalled();
  });

  it('leaves for the company sign-in when a scheduled renewal is refused', async () => {
    const client = fakeClient();
    client.refresh.mockRejectedValue(new OidcFailure('refused', 'invalid_grant'));
    await started(client, CALLBACK);
    await jest.advanceTimersByTimeAsync(15_000);
    expect(client.startSignIn).toHaveBeenCalledTimes(1);
    expect(flow.step()).toEqual({ kind: 'company', pending: true });
    await expect(flow.freshIdToken()).resolves.toBeNull();
  });

  it('retries a renewal after a network error while the token is valid, then says why it ended', async () => {
    const client = fakeClient();
    client.completeSignIn.mockResolvedValue({ session: { idToken: 'id.long', issuedAt: T0, expiresAt: T0 + 3_600_000, canRefresh: true }, returnTo: '/' });
    client.refresh.mockRejectedValue(new OidcFailure('unreachable'));
    await started(client, CALLBACK);
    await jest.advanceTimersByTimeAsync(3_540_000); // 60 s before expiry
    expect(client.refresh).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(client.refresh).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(client.refresh).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(20_000);
    expect(client.refresh).toHaveBeenCalledTimes(4);
    expect(flow.step()).toEqual({ kind: 'identity' }); // still valid: a call goes on
    await jest.advanceTimersByTimeAsync(25_000);
    expect(client.refresh).toHaveBeenCalledTimes(4);
    expect(client.startSignIn).not.toHaveBeenCalled();
    expect(flow.step()).toEqual({ kind: 'company', pending: false, error: UNREACHABLE_WORDS });
  });

  it('goes back to the schedule when a retry succeeds', async () => {
    const client = fakeClient();
    const hour = (name: string, issuedAt: number): OidcSession => ({ idToken: name, issuedAt, expiresAt: issuedAt + 3_600_000, canRefresh: true });
    client.completeSignIn.mockResolvedValue({ session: hour('id.first', T0), returnTo: '/' });
    client.refresh.mockRejectedValueOnce(new OidcFailure('unreachable')).mockImplementation(async () => hour('id.second', Date.now()));
    await started(client, CALLBACK);
    await jest.advanceTimersByTimeAsync(3_540_000 + 5_000); // due, then the first retry
    expect(client.refresh).toHaveBeenCalledTimes(2);
    await expect(flow.freshIdToken()).resolves.toBe('id.second');
    await jest.advanceTimersByTimeAsync(3_540_000 - 1);
    expect(client.refresh).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(client.refresh).toHaveBeenCalledTimes(3);
  });

  it('does not retry when the token would expire before the retry', async () => {
    const client = fakeClient();
    client.refresh.mockRejectedValue(new OidcFailure('unreachable'));
    await started(client, CALLBACK);
    await jest.advanceTimersByTimeAsync(15_000);
    await jest.advanceTimersByTimeAsync(5_000); // T0 + 20 s: a 5 s retry would have come after the expiry
    expect(client.refresh).toHaveBeenCalledTimes(1);
    expect(flow.step()).toEqual({ kind: 'company', pending: false, error: UNREACHABLE_WORDS });
  });

  it('leaves for the company sign-in when a renewal brings no later expiry (no new ID token)', async () => {
    const client = fakeClient();
    client.refresh.mockImplementation(async () => session('id.same', T0));
    await started(client, CALLBACK);
    await jest.advanceTimersByTimeAsync(15_000);
    expect(client.startSignIn).toHaveBeenCalledTimes(1);
  });

  it('signs out at the provider with the ID token and stops renewing', async () => {
    const client = fakeClient();
    await started(client, CALLBACK);
    await flow.signOut();
    expect(client.signOut).toHaveBeenCalledWith('id.from.callback');
    expect(flow.step()).toEqual({ kind: 'company', pending: true });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(client.refresh).not.toHaveBeenCalled();
    await expect(flow.freshIdToken()).resolves.toBeNull();
  });

  it('forgets the session here and says so when the provider cannot be told of the sign-out', async () => {
    const client = fakeClient();
    client.signOut.mockRejectedValue(new OidcFailure('failed', null, 'no end_session_endpoint'));
    await started(client, CALLBACK);
    await flow.signOut();
    expect(client.forget).toHaveBeenCalled();
    expect(flow.step()).toEqual(expect.objectContaining({ kind: 'company', pending: false, error: expect.stringContaining('You signed out of Duet') }));
  });

  it('shows the sign-in button as pending while leaving, and the reason when leaving fails', async () => {
    const client = fakeClient(null);
    let fail: (error: unknown) => void = () => undefined;
    client.startSignIn.mockImplementation(() => new Promise((_, reject) => (fail = reject)));
    await started(client);
    flow.startSignIn();
    expect(flow.step()).toEqual({ kind: 'company', pending: true });
    await jest.advanceTimersByTimeAsync(0);
    expect(client.startSignIn).toHaveBeenCalled();
    fail(new OidcFailure('unreachable'));
    await jest.advanceTimersByTimeAsync(0);
    expect(flow.step()).toEqual({ kind: 'company', pending: false, error: UNREACHABLE_WORDS });
  });

  it('comes back from the provider to the page it left, query and all (a call picked up from its notification)', async () => {
    const client = fakeClient(null);
    here = '/?answer=ring-1';
    await started(client, 'https://duet.example.com/?answer=ring-1');
    flow.startSignIn();
    await jest.advanceTimersByTimeAsync(0);
    expect(client.startSignIn).toHaveBeenCalledWith('/?answer=ring-1');

    flow.dispose();
    client.completeSignIn.mockResolvedValueOnce({ session: session('id.from.callback'), returnTo: '/?answer=ring-1' });
    await started(client, CALLBACK);
    expect(replaceUrl).toHaveBeenCalledWith('/?answer=ring-1');
    expect(flow.step()).toEqual({ kind: 'identity' });
  });

  it('comes back to / when the kept page is not one of this origin, or when the exchange failed', async () => {
    const client = fakeClient(null);
    client.completeSignIn.mockResolvedValueOnce({ session: session('id.from.callback'), returnTo: '//evil.example/?answer=x' });
    await started(client, CALLBACK);
    expect(replaceUrl).toHaveBeenLastCalledWith('/');

    flow.dispose();
    client.completeSignIn.mockResolvedValueOnce({ session: session('id.from.callback'), returnTo: 'https://evil.example/' });
    await started(client, CALLBACK);
    expect(replaceUrl).toHaveBeenLastCalledWith('/');

    flow.dispose();
    client.completeSignIn.mockRejectedValueOnce(new OidcFailure('refused', 'access_denied'));
    await started(client, CALLBACK);
    expect(replaceUrl).toHaveBeenLastCalledWith('/');
  });

  it('keeps the page it is on when a refused renewal sends the person back to the provider', async () => {
    const client = fakeClient(session('id.stored', T0 - 60_000));
    client.refresh.mockRejectedValue(new OidcFailure('refused', 'invalid_grant'));
    here = '/?answer=ring-2';
    await started(client, 'https://duet.example.com/?answer=ring-2');
    expect(client.startSignIn).toHaveBeenCalledWith('/?answer=ring-2');
  });

  it('leaves for the provider at once, keeping the page, when asked to sign in at once (Answer on a call notification)', async () => {
    const client = fakeClient(null);
    here = '/?answer=ring-3';
    await started(client, 'https://duet.example.com/?answer=ring-3', true);
    expect(flow.step()).toEqual({ kind: 'company', pending: true });
    await jest.advanceTimersByTimeAsync(0);
    expect(client.startSignIn).toHaveBeenCalledWith('/?answer=ring-3');
  });

  it('does not leave at once with a stored session, nor at the callback', async () => {
    const client = fakeClient(session('id.stored', T0 - 5_000));
    await started(client, 'https://duet.example.com/?answer=ring-4', true);
    expect(flow.step()).toEqual({ kind: 'identity' });
    flow.dispose();
    await started(fakeClient(null), CALLBACK, true);
    expect(flow.step()).toEqual({ kind: 'identity' });
    await jest.advanceTimersByTimeAsync(0);
    expect(client.startSignIn).not.toHaveBeenCalled();
  });
});
