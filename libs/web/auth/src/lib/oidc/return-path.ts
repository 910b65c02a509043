/** Longer than any address Duet makes; a longer one is not ours. */
const MAX_RETURN_PATH_LENGTH = 2_048;
/** A stand-in origin to resolve against: anything that resolves elsewhere is not a same-origin path. */
const HERE = 'https://duet.invalid';

/**
 * Where to send the person after the company sign-in: the page they opened (path and query, e.g.
 * `/?answer=<callId>` from a call's notification), never another site. `value` comes back from
 * the redirect's stored state, so it is checked as untrusted: only an absolute path on this origin
 * (not `//host`, not `/\host`, no scheme) is kept, without its fragment; the callback itself (its
 * code is single-use) and anything else become `/`.
 */
export function safeReturnPath(value: unknown, callbackPath: string): string {
  if (typeof value !== 'string' || value.length > MAX_RETURN_PATH_LENGTH) return '/';
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  let url: URL;
  try {
    url = new URL(value, HERE);
  } catch {
    return '/';
  }
  // `/.//host` resolves to the path `//host`, which an address bar would read as another host.
  if (url.origin !== HERE || url.pathname === callbackPath || url.pathname.startsWith('//')) return '/';
  return url.pathname + url.search;
}
