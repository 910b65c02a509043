import { GuestSession, JOIN_PATH_PREFIX } from '@duet/shared/protocol';

// The eager part of the guest sign-in: main.ts asks `isGuestPage` before anything is loaded; the
// flow itself (guest-sign-in-flow.ts) is a lazy chunk.

/** Where the tab keeps its guest session (sessionStorage: a reload stays in, closing the tab ends it). */
export const GUEST_SESSION_KEY = 'duet.guest-session';

/**
 * Set when the tab's guest session ended (the guest left, or the invite was revoked), so a reload
 * of `/` still says how to come back, not how members sign in.
 */
export const GUEST_ENDED_KEY = 'duet.guest-ended';

/** What the flow needs of the page: its address, history, the tab's storage and `fetch`. */
export interface GuestPage {
  readonly location: { readonly pathname: string; readonly search: string; readonly hash: string };
  readonly history: { replaceState(data: unknown, unused: string, url: string): void };
  readonly storage: Storage | null;
  readonly fetch: typeof fetch;
  readonly now: () => number;
}

/** The invite token in a `/join/<token>` path, else null. */
export function inviteTokenIn(pathname: string): string | null {
  if (!pathname.startsWith(JOIN_PATH_PREFIX)) return null;
  const token = decodeURIComponent(pathname.slice(JOIN_PATH_PREFIX.length));
  return token === '' ? null : token;
}

/**
 * Whether the page is a guest's: an invite link, a tab that joined as a guest (and reloaded), or
 * `/` as it is after a guest session ended there (a portal's `#access_token=`, a sign-in's
 * callback or any other address is a member's page again).
 */
export function isGuestPage(page: Pick<GuestPage, 'location' | 'storage'>): boolean {
  const { pathname, search, hash } = page.location;
  if (inviteTokenIn(pathname) !== null || readSession(page.storage) !== null) return true;
  return pathname === '/' && search === '' && hash === '' && readKey(page.storage, GUEST_ENDED_KEY) !== null;
}

/** A member's page opened in this tab (main.ts, when it is not a guest's): `/` is a member's page from now on. */
export function forgetEndedGuest(storage: Storage | null): void {
  try {
    storage?.removeItem(GUEST_ENDED_KEY);
  } catch {
    // Nothing was kept, then.
  }
}

function readKey(storage: Storage | null, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function readSession(storage: Storage | null): GuestSession | null {
  try {
    const text = storage?.getItem(GUEST_SESSION_KEY);
    if (!text) return null;
    const session = JSON.parse(text) as Partial<GuestSession>;
    return typeof session.token === 'string' && typeof session.username === 'string' && typeof session.expiresAt === 'number'
      ? (session as GuestSession)
      : null;
  } catch {
    return null;
  }
}
