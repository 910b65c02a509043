import { InjectionToken, Signal, inject, signal } from '@angular/core';
import { EMPTY, Observable } from 'rxjs';
import { TAB_STORAGE } from '../media/preference-storage';
import { ACCESS_TOKEN, forgetAccessToken } from './auth-token';

/** How the person gets a name on the server: the step the page shows before the lobby. */
export type SignInStep =
  /** Open mode: the person types a name (the tutorial's login). */
  | { readonly kind: 'name-form' }
  /** The credentials name the person (a portal's token, a company sign-in): log in with no form, as that name. */
  | { readonly kind: 'identity' }
  /** Company sign-in (OIDC) is needed: "Sign in with your company". `error` says, in words, why the last attempt failed. */
  | { readonly kind: 'company'; readonly pending: boolean; readonly error?: string }
  /** JWT mode with no token (or after log-out): nothing this page can do; `message` says where to go. */
  | { readonly kind: 'no-credentials'; readonly message: string }
  /**
   * An invite link (`/join/<token>`): "<inviter> invited you", the guest types a display name and
   * joins (`SignInFlow.join`). `inviter` is null while the invite is being checked; `pending` while
   * a join is under way; `error` says, in words, why the invite or the last join was refused.
   */
  | { readonly kind: 'guest'; readonly inviter: string | null; readonly pending: boolean; readonly error?: string };

/**
 * The seam between the call page and whatever signs people in (`@duet/web/auth` provides the JWT
 * portal and OpenID Connect flows). The page renders `step`; it never sees a provider.
 */
export interface SignInFlow {
  readonly step: Signal<SignInStep>;
  /** Company sign-in: leave for the provider's sign-in page. */
  startSignIn(): void;
  /** Called once the signaling socket has closed cleanly: end the sign-in too (at the provider for OIDC). */
  signOut(): Promise<void>;
  /** The `guest` step: join the call as `displayName` (only an invite link's flow has it). */
  join?(displayName: string): void;
}

/**
 * Without a sign-in provider: a token the page was opened with (or the tab kept) names the person;
 * otherwise they type a name. Signing out forgets the tab's token, so a reload is signed out.
 */
export const SIGN_IN_FLOW = new InjectionToken<SignInFlow>('SIGN_IN_FLOW', {
  providedIn: 'root',
  factory: () => {
    const step = signal<SignInStep>(inject(ACCESS_TOKEN) === null ? { kind: 'name-form' } : { kind: 'identity' });
    const tabStorage = inject(TAB_STORAGE);
    return { step: step.asReadonly(), startSignIn: () => undefined, signOut: async () => forgetAccessToken(tabStorage) };
  },
});

/**
 * Tokens renewed while signed in (OIDC silent renewal). The signaling client hands each to the
 * server in-band (`{"type":"token"}`), so the session, and any call, go on with no reconnect.
 */
export const AUTH_TOKEN_RENEWALS = new InjectionToken<Observable<string>>('AUTH_TOKEN_RENEWALS', {
  providedIn: 'root',
  factory: () => EMPTY,
});
