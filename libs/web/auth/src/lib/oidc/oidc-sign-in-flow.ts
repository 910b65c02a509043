// Type-only imports: this file is in the lazy oidc chunk, which must share no module with the
// initial bundle (a shared chunk would cost the initial bundle its export list, ~3 kB).
import type { Signal, WritableSignal } from '@angular/core';
import type { SignInFlow, SignInStep } from '@duet/web/rtc';
import type { Observable, Subject } from 'rxjs';
import { OidcClient, OidcFailure, OidcSession, isTransient } from './oidc-client';
import { oidcFailureWords } from './oidc-error-words';
import { renewalDelay, renewalDueAt, renewalRetryDelay } from './renewal-schedule';
import { safeReturnPath } from './return-path';

const SIGN_OUT_NOT_AT_PROVIDER =
  "You signed out of Duet, but your company's sign-in could not be reached: you may still be signed in there.";

/**
 * Company sign-in (OpenID Connect) for the call page, on top of an OidcClient.
 *
 *   start() at /auth/callback ──code exchange ok──> identity | fails ──> company (error in words)
 *   start() elsewhere: stored session still valid ──> identity
 *                      stored session expired ──renew──> (as below) | none ──> company
 *   identity ──renewal due (timer, or a reconnect asks for a token)──> refresh:
 *       ok ──> identity (the new ID token on `renewals`)
 *       refused (invalid_grant, ...) ──> company pending, leaving for the provider at once
 *       network error ──> retry after 5, 10, 20 s while the token is valid; then company (error)
 *   company ──startSignIn()──> company pending, leaving for the provider
 *   any ──signOut()──> leaving for the provider's log-out
 *
 * `signedIn` and `showCompany` are the only writers of `step`; an identity step is never re-set,
 * so the page does not log in again after a renewal. A trip to the provider comes back to the page
 * it left (path and query, e.g. `/?answer=<callId>` from a call's notification), on this origin only.
 */
export class OidcSignInFlow implements SignInFlow {
  readonly step: Signal<SignInStep>;
  /** Each renewed ID token, for the signaling client to send in-band (AUTH_TOKEN_RENEWALS). */
  readonly renewals: Observable<string>;
  private readonly stepState: WritableSignal<SignInStep>;
  private readonly renewalsSubject: Subject<string>;

  private session: OidcSession | null = null;
  /** One renewal at a time: the timer and a reconnect's token request share it. */
  private renewal: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * `state` is made by the caller (see the imports); `step` starts as company, pending, until start()
   * settles. `currentPath`: the page's path and query now, to come back to after the provider.
   */
  constructor(
    private readonly client: OidcClient,
    private readonly callbackPath: string,
    state: { step: WritableSignal<SignInStep>; renewals: Subject<string> },
    private readonly currentPath: () => string,
  ) {
    this.stepState = state.step;
    this.step = state.step.asReadonly();
    this.renewalsSubject = state.renewals;
    this.renewals = state.renewals.asObservable();
  }

  /**
   * `replaceUrl` takes the single-use code and state out of the address bar and history.
   * `signInAtOnce`: with no session, leave for the provider now instead of showing the button (the
   * page was opened to answer a ringing call: every second counts, and the person asked for it).
   */
  async start(url: URL, replaceUrl: (path: string) => void, signInAtOnce = false): Promise<void> {
    if (url.pathname === this.callbackPath) {
      if (isProviderResponse(url)) return this.completeSignIn(url, replaceUrl);
      replaceUrl('/'); // a bookmark or a reload of the callback: nothing to complete
    }
    const stored = await this.client.storedSession();
    // Not awaited: the page shows "Opening your company's sign-in…" while the browser leaves.
    if (stored === null && signInAtOnce) return this.startSignIn();
    if (stored === null) return this.showCompany();
    if (stored.expiresAt > Date.now()) return this.signedIn(stored);
    this.session = stored;
    await this.renew();
  }

  startSignIn(): void {
    void this.leaveForSignIn();
  }

  async signOut(): Promise<void> {
    const session = this.session;
    this.session = null;
    this.clearTimer();
    if (session === null) {
      await this.client.forget();
      return this.showCompany();
    }
    this.stepState.set({ kind: 'company', pending: true });
    try {
      await this.client.signOut(session.idToken);
    } catch (error) {
      console.warn('company sign-out failed:', asFailure(error).message);
      await this.client.forget();
      this.showCompany(SIGN_OUT_NOT_AT_PROVIDER);
    }
  }

  /** AUTH_TOKEN_SOURCE: the ID token, renewed first when its renewal is due; null when signed out or expired. */
  async freshIdToken(): Promise<string | null> {
    const session = this.session;
    if (session === null) return null;
    if (Date.now() >= renewalDueAt(session)) await this.renew();
    const current = this.session;
    return current !== null && current.expiresAt > Date.now() ? current.idToken : null;
  }

  dispose(): void {
    this.clearTimer();
    this.renewalsSubject.complete();
  }

  private async completeSignIn(url: URL, replaceUrl: (path: string) => void): Promise<void> {
    let back = '/';
    try {
      const { session, returnTo } = await this.client.completeSignIn(url.href);
      back = safeReturnPath(returnTo, this.callbackPath);
      this.signedIn(session);
    } catch (error) {
      this.showCompany(oidcFailureWords(asFailure(error)));
    } finally {
      replaceUrl(back);
    }
  }

  private renew(): Promise<void> {
    this.renewal ??= this.runRenewal(0).finally(() => (this.renewal = null));
    return this.renewal;
  }

  private async runRenewal(attempt: number): Promise<void> {
    const session = this.session;
    if (session === null) return;
    if (!session.canRefresh) return this.leaveForSignIn();
    try {
      const renewed = await this.client.refresh();
      if (this.session !== session) return; // signed out meanwhile
      // A provider that does not reissue the ID token on refresh cannot keep Duet signed in.
      if (renewed.expiresAt <= session.expiresAt) return this.leaveForSignIn();
      this.signedIn(renewed);
      this.renewalsSubject.next(renewed.idToken);
    } catch (error) {
      if (this.session !== session) return;
      const failure = asFailure(error);
      console.warn('token renewal failed:', failure.message);
      if (!isTransient(failure)) return this.leaveForSignIn();
      this.retryOrGiveUp(session, attempt, oidcFailureWords(failure));
    }
  }

  private retryOrGiveUp(session: OidcSession, attempt: number, words: string): void {
    const now = Date.now();
    const delay = renewalRetryDelay(attempt, session.expiresAt, now);
    if (delay !== null) return this.arm(delay, () => void this.runRenewal(attempt + 1));
    // No retry left: stay signed in while the token lasts (a call goes on), then say why it ended.
    if (session.expiresAt <= now) return this.giveUp(words);
    this.arm(session.expiresAt - now, () => this.giveUp(words));
  }

  private giveUp(words: string): void {
    this.session = null;
    this.showCompany(words);
  }

  private async leaveForSignIn(): Promise<void> {
    this.session = null;
    this.clearTimer();
    this.stepState.set({ kind: 'company', pending: true });
    try {
      // A session the provider refused is of no use; the callback stores the next one.
      await this.client.forget();
      await this.client.startSignIn(safeReturnPath(this.currentPath(), this.callbackPath));
    } catch (error) {
      this.showCompany(oidcFailureWords(asFailure(error)));
    }
  }

  private signedIn(session: OidcSession): void {
    this.session = session;
    if (this.stepState().kind !== 'identity') this.stepState.set({ kind: 'identity' });
    this.arm(renewalDelay(session, Date.now()), () => void this.renew());
  }

  private showCompany(error?: string): void {
    this.clearTimer();
    this.stepState.set(error === undefined ? { kind: 'company', pending: false } : { kind: 'company', pending: false, error });
  }

  private arm(delay: number, run: () => void): void {
    this.clearTimer();
    this.timer = setTimeout(run, delay);
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The provider's redirect back carries a code or an error (RFC 6749 4.1.2), with the state. */
function isProviderResponse(url: URL): boolean {
  return url.searchParams.has('code') || url.searchParams.has('error');
}

function asFailure(error: unknown): OidcFailure {
  return error instanceof OidcFailure ? error : new OidcFailure('failed', null, String(error));
}
