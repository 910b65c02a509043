import { GuestSession, JOIN_PATH_PREFIX } from '@duet/shared/protocol';

// The eager part of the guest sign-in: main.ts asks `isGuestPage` before anything is loaded; the
// flow itself (guest-sign-in-flow.ts) is a lazy chunk.

/** Where the tab keeps its guest session (sessionStorage: a reload stays in, closing the tab ends it). */
export const GUEST_SESSION_KEY = 'duet.guest-session';

/** What the flow needs of the page: its address, history, the tab's storage and `fetch`. */
export interface GuestPage {
  readonly location: { readonly pathname: string };
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

/** Whether the page is a guest's: an invite link, or a tab that joined as a guest (and reloaded). */
export function isGuestPage(page: Pick<GuestPage, 'location' | 'storage'>): boolean {
  return inviteTokenIn(page.location.pathname) !== null || readSession(page.storage) !== null;
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
