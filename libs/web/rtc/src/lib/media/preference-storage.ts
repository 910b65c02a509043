import { DOCUMENT, InjectionToken, inject } from '@angular/core';

/**
 * Where small choices survive a reload (the devices picked, the name logged in with): the page's
 * localStorage, or null where it is unavailable (blocked, or a sandboxed frame). A token so tests
 * can hand in their own Storage.
 */
export const PREFERENCE_STORAGE = new InjectionToken<Storage | null>('PREFERENCE_STORAGE', {
  providedIn: 'root',
  factory: () => {
    try {
      return inject(DOCUMENT).defaultView?.localStorage ?? null;
    } catch {
      return null; // reading localStorage throws when the browser blocks it
    }
  },
});

/**
 * What belongs to this tab alone and survives its reloads, not its closing (the name this tab
 * logged in with, the session's resume token, the call it was in): the page's sessionStorage, or
 * null where it is unavailable. Two tabs of one browser share localStorage, so anything a tab acts
 * on by itself on start must come from here.
 */
export const TAB_STORAGE = new InjectionToken<Storage | null>('TAB_STORAGE', {
  providedIn: 'root',
  factory: () => {
    try {
      return inject(DOCUMENT).defaultView?.sessionStorage ?? null;
    } catch {
      return null; // reading sessionStorage throws when the browser blocks it
    }
  },
});

export function readPreference(storage: Storage | null, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

/** Writes, or removes when `value` is null. A full or blocked storage just forgets. */
export function writePreference(storage: Storage | null, key: string, value: string | null): void {
  try {
    if (value === null) storage?.removeItem(key);
    else storage?.setItem(key, value);
  } catch {
    // Not worth bothering the user: the choice simply is not remembered.
  }
}

