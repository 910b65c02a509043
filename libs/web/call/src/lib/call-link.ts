import { DOCUMENT, InjectionToken, inject } from '@angular/core';
import { CALL_LINK_PATH_PREFIX, isValidUsername } from '@duet/shared/protocol';

/** A call link's callee, given once: the first taker fills its callee input with it. */
export interface CallLink {
  /** The name the link was made for (a valid username), the first time; null after, or for a bad name. */
  take(): string | null;
}

/**
 * The app's edge of call links (`AUTH_MODE=none`, issue 25): `/call/<name>` opens Duet with
 * `<name>` to call. The callee is taken once, when the lobby first shows (after the visitor logged
 * in with their own name); taking it cleans the address to `/`, so a reload does not fill it again.
 * A name that is not a valid username fills nothing. Null when the page was not opened by one.
 */
export function callLinkFromAddress(page: Window | null): CallLink | null {
  if (page === null || !page.location.pathname.startsWith(CALL_LINK_PATH_PREFIX)) return null;
  let callee: string | null = null;
  try {
    callee = decodeURIComponent(page.location.pathname.slice(CALL_LINK_PATH_PREFIX.length));
  } catch {
    // A malformed escape is no name.
  }
  if (callee !== null && !isValidUsername(callee)) callee = null;
  let taken = false;
  return {
    take: () => {
      if (taken) return null;
      taken = true;
      page.history.replaceState(page.history.state, '', '/' + page.location.search + page.location.hash);
      return callee;
    },
  };
}

export const CALL_LINK = new InjectionToken<CallLink | null>('CALL_LINK', {
  providedIn: 'root',
  factory: () => callLinkFromAddress(inject(DOCUMENT).defaultView),
});
