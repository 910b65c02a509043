import { signal } from '@angular/core';
import {
  GUEST_PREVIEW_PATH,
  GUEST_SESSIONS_PATH,
  GuestPreview,
  GuestSession,
  InviteProblem,
  normalizeDisplayName,
} from '@duet/shared/protocol';
import type { AuthTokenSource, SignInFlow, SignInStep } from '@duet/web/rtc';
import { GUEST_ENDED_KEY, GUEST_SESSION_KEY, GuestPage, inviteTokenIn, readSession } from './guest-page';
import { INVITE_EXPIRED, INVITE_PROBLEMS, INVITE_UNREACHABLE, INVITE_UNREADABLE, LEFT_AS_GUEST } from './guest-words';

/**
 * An invite link's sign-in (issue 25). `/join/<token>`: the server says who invited (preview),
 * the guest picks a display name and joins; the guest token it gets back is the WebSocket's token
 * (`tokenSource`), kept in the tab so a reload stays in, and the address becomes `/` so the invite
 * stays out of history. Then the step is `identity` and the page logs in as the token's name.
 *
 *   /join/<token> ──preview──> guest ──join()──> identity ──signOut()──> no-credentials (left)
 *   a kept session ──> identity (or no-credentials "expired" once past the invite's expiry)
 */
export class GuestSignInFlow implements SignInFlow {
  /** Without an invite or a kept session: a tab whose guest session ended (isGuestPage). */
  private readonly stepState = signal<SignInStep>({ kind: 'no-credentials', message: LEFT_AS_GUEST });
  readonly step = this.stepState.asReadonly();
  private session: GuestSession | null;
  private readonly invite: string | null;

  /** AUTH_TOKEN_SOURCE: the guest token until the guest leaves. */
  readonly tokenSource: AuthTokenSource = () => Promise.resolve(this.session?.token ?? null);

  constructor(private readonly page: GuestPage) {
    this.invite = inviteTokenIn(page.location.pathname);
    // A new invite link wins over what the tab kept: the person opened it to join with it.
    this.session = this.invite === null ? readSession(page.storage) : null;
    if (this.invite !== null) {
      writeSession(page.storage, null);
      writeKey(page.storage, GUEST_ENDED_KEY, null);
      this.stepState.set({ kind: 'guest', inviter: null, pending: false });
      void this.preview(this.invite);
    } else if (this.session !== null && this.session.expiresAt <= page.now()) {
      this.forget(INVITE_EXPIRED);
    } else if (this.session !== null) {
      this.stepState.set({ kind: 'identity' });
    }
  }

  /** Guests join with `join()`; there is no provider to leave for. */
  startSignIn(): void {
    return;
  }

  join(displayName: string): void {
    const step = this.stepState();
    if (step.kind !== 'guest' || step.pending || this.invite === null) return;
    const name = normalizeDisplayName(displayName);
    if (name === undefined) {
      this.stepState.set({ ...step, error: INVITE_PROBLEMS['invalid-name'] });
      return;
    }
    this.stepState.set({ kind: 'guest', inviter: step.inviter, pending: true });
    void this.post<GuestSession>(GUEST_SESSIONS_PATH, { invite: this.invite, displayName: name }).then((result) => {
      if ('error' in result) {
        this.stepState.set({ kind: 'guest', inviter: step.inviter, pending: false, error: result.error });
        return;
      }
      this.session = result.value;
      writeSession(this.page.storage, result.value);
      this.page.history.replaceState(null, '', '/');
      this.stepState.set({ kind: 'identity' });
    });
  }

  async signOut(): Promise<void> {
    this.forget(LEFT_AS_GUEST);
  }

  private async preview(invite: string): Promise<void> {
    const result = await this.post<GuestPreview>(GUEST_PREVIEW_PATH, { invite });
    if ('error' in result) this.stepState.set({ kind: 'guest', inviter: null, pending: false, error: result.error });
    else this.stepState.set({ kind: 'guest', inviter: result.value.inviter, pending: false });
  }

  private forget(message: string): void {
    this.session = null;
    writeSession(this.page.storage, null);
    writeKey(this.page.storage, GUEST_ENDED_KEY, '1');
    this.stepState.set({ kind: 'no-credentials', message });
  }

  /** A JSON POST; a refusal comes back as its `InviteProblem` in words. */
  private async post<T>(path: string, body: unknown): Promise<{ value: T } | { error: string }> {
    let response: Response;
    try {
      response = await this.page.fetch(path, {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify(body),
        cache: 'no-store',
      });
    } catch {
      return { error: INVITE_UNREACHABLE };
    }
    try {
      const json: unknown = await response.json();
      if (response.ok) return { value: json as T };
      const problem = (json as { problem?: unknown }).problem;
      const known = typeof problem === 'string' && Object.hasOwn(INVITE_PROBLEMS, problem);
      return { error: known ? INVITE_PROBLEMS[problem as InviteProblem] : INVITE_UNREADABLE };
    } catch {
      return { error: INVITE_UNREADABLE };
    }
  }
}

function writeSession(storage: Storage | null, session: GuestSession | null): void {
  writeKey(storage, GUEST_SESSION_KEY, session === null ? null : JSON.stringify(session));
}

function writeKey(storage: Storage | null, key: string, value: string | null): void {
  try {
    if (value === null) storage?.removeItem(key);
    else storage?.setItem(key, value);
  } catch {
    // A tab that cannot keep it is signed in until it reloads.
  }
}
