const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Cross-site WebSocket hijacking defence. Browsers always send `Origin` on a WebSocket upgrade and
 * a page cannot forge it, so a page on another site cannot ride a user's cookies into `/ws`.
 * Requests without `Origin` come from non-browser clients, which can forge anything anyway and
 * must authenticate like everyone else.
 *
 * Allowed: no `Origin`; the server's own origin (the request's `Host`); the configured list; and,
 * only when no list is configured, any localhost origin.
 */
export class OriginPolicy {
  private readonly allowed: ReadonlySet<string> | undefined;

  constructor(allowedOrigins: readonly string[] | undefined) {
    this.allowed = allowedOrigins && new Set(allowedOrigins);
  }

  allows(origin: string | undefined, host: string | undefined): boolean {
    if (origin === undefined) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (host !== undefined && url.host === host.toLowerCase()) return true;
    if (this.allowed) return this.allowed.has(url.origin);
    return LOCAL_HOSTNAMES.has(url.hostname);
  }
}
