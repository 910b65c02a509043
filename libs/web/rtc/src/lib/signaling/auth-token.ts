import { DOCUMENT, InjectionToken, Provider, inject } from '@angular/core';
import { TAB_STORAGE, readPreference, writePreference } from '../media/preference-storage';

/** Where the tab keeps the `#access_token=` it was opened with (sessionStorage: its reloads, not its closing). */
export const ACCESS_TOKEN_KEY = 'duet.access_token';

/**
 * The access token for a server in JWT mode, handed to the page as `#access_token=<JWT>` (a login
 * hook or identity provider redirects there). The fragment never reaches a server or its logs; it
 * is removed from the address bar once read so it is not bookmarked or shared, and kept in the
 * tab's storage so a reload is still signed in. Null in open mode.
 */
export const ACCESS_TOKEN = new InjectionToken<string | null>('ACCESS_TOKEN', {
  providedIn: 'root',
  factory: () => takeAccessToken(inject(DOCUMENT), inject(TAB_STORAGE)),
});

/**
 * The fragment's token (kept in `tabStorage`, replacing any kept before), or without one the token
 * this tab kept on an earlier load, or null.
 */
export function takeAccessToken(document: Document, tabStorage: Storage | null): string | null {
  const { location, defaultView } = document;
  const token = new URLSearchParams(location.hash.slice(1)).get('access_token');
  if (token === null) return readPreference(tabStorage, ACCESS_TOKEN_KEY);
  defaultView?.history.replaceState(null, '', location.pathname + location.search);
  writePreference(tabStorage, ACCESS_TOKEN_KEY, token);
  return token;
}

/** Log-out: the tab forgets its token, so a reload is no longer signed in. */
export function forgetAccessToken(tabStorage: Storage | null): void {
  writePreference(tabStorage, ACCESS_TOKEN_KEY, null);
}

/** Where each (re)connect gets its token; null means none (open mode). */
export type AuthTokenSource = () => Promise<string | null>;

/** By default the `#access_token=` the page was opened with (or the tab kept), for as long as the page lives. */
export const AUTH_TOKEN_SOURCE = new InjectionToken<AuthTokenSource>('AUTH_TOKEN_SOURCE', {
  providedIn: 'root',
  factory: () => {
    const token = inject(ACCESS_TOKEN);
    return () => Promise.resolve(token);
  },
});

/**
 * For an embedding app whose tokens expire: `source` is asked for a fresh token before every
 * connect and reconnect (after an expiry close 4401, or a refusal the user retries).
 * `bootstrapApplication(App, { providers: [provideAuthToken(() => auth.freshToken())] })`.
 */
export function provideAuthToken(source: AuthTokenSource): Provider {
  return { provide: AUTH_TOKEN_SOURCE, useValue: source };
}

/**
 * Browsers cannot put an Authorization header on a WebSocket, so the token travels as a
 * subprotocol next to `duet`, which the server answers with (docs/auth.md).
 */
export function signalingProtocols(token: string | null): string[] | undefined {
  return token === null ? undefined : ['duet', `access_token.${token}`];
}
