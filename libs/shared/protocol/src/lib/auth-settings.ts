/**
 * `GET /auth/settings`: what the web app needs to sign people in, served by the server so the app
 * needs no build-time configuration. Public by design: an OpenID Connect public client has no
 * secret, so nothing here is one.
 */
export const AUTH_SETTINGS_PATH = '/auth/settings';

/** Where the provider sends the browser back after sign-in, relative to the app's origin. */
export const OIDC_CALLBACK_PATH = '/auth/callback';

export type AuthSettings =
  /** Anyone picks a name (the tutorial's login): no accounts, so no push, no history. */
  | { readonly mode: 'none' }
  /** A portal opens the app with `#access_token=<JWT>` (or an embedder's `provideAuthToken`). */
  | { readonly mode: 'jwt'; readonly accounts?: AccountSettings }
  /** The app signs people in at the company's OpenID provider (code flow with PKCE, public client). */
  | { readonly mode: 'oidc'; readonly issuer: string; readonly clientId: string; readonly scopes: string; readonly accounts?: AccountSettings };

/** Present when the server keeps per-user data (history, push; see accounts.ts). */
export interface AccountSettings {
  /** The VAPID public key (base64url) for `pushManager.subscribe`'s `applicationServerKey`. */
  readonly pushPublicKey: string;
  /** Invite links (guests.ts): the server's `INVITE_TTL_HOURS`, the dialog's default; at most `MAX_INVITE_TTL_HOURS`. */
  readonly invites: { readonly defaultTtlHours: number };
}
