import { usernameKey } from '@duet/shared/protocol';
import { readPreference, writePreference } from '../media/preference-storage';

/** The tab's newest resume token and its name (sessionStorage: it survives a reload, not a closed tab). */
export const TAB_SESSION_KEY = 'duet.session';

/** Keeps `token` for `username` in the tab's storage (null, or no name: forgets it). */
export function saveTabResumeToken(storage: Storage | null, username: string | null, token: string | null): void {
  writePreference(storage, TAB_SESSION_KEY, token && username ? JSON.stringify({ username, token }) : null);
}

/**
 * The token this tab last had for `username`, if any (a reloaded page logging in again); for a
 * login as the credentials' identity (null), whichever it had: the server checks it is theirs.
 */
export function tabResumeToken(storage: Storage | null, username: string | null): string | null {
  try {
    const saved = JSON.parse(readPreference(storage, TAB_SESSION_KEY) ?? 'null') as { username?: unknown; token?: unknown } | null;
    const sameName =
      typeof saved?.username === 'string' && (username === null || usernameKey(saved.username) === usernameKey(username));
    return sameName && typeof saved?.token === 'string' ? saved.token : null;
  } catch {
    return null;
  }
}
