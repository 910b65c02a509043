import { hostname, networkInterfaces } from 'node:os';

const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
const MACHINE_NAMES_TTL_MS = 10_000;

/**
 * Cross-site WebSocket hijacking defence. Browsers always send `Origin` on a WebSocket upgrade and
 * a page cannot forge it, so a page on another site cannot ride a user's cookies into `/ws`.
 * Requests without `Origin` come from non-browser clients, which can forge anything anyway and
 * must authenticate like everyone else.
 *
 * Allowed: no `Origin`; `PUBLIC_URL`'s origin; the configured list; and, only when no list is
 * configured, localhost and this machine's own host name and interface addresses (so a LAN call at
 * `http://192.168.1.20:3000` works out of the box). Never "whatever the `Host` header says": with
 * DNS rebinding an attacker's name resolves to this server, and its page's `Host` and `Origin`
 * then agree.
 */
export class OriginPolicy {
  private readonly allowed: ReadonlySet<string> | undefined;

  constructor(
    private readonly publicOrigin: string | undefined,
    allowedOrigins: readonly string[] | undefined,
    private readonly machineNames: () => ReadonlySet<string> = cachedMachineNames(),
  ) {
    this.allowed = allowedOrigins && new Set(allowedOrigins);
  }

  allows(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (url.origin === this.publicOrigin) return true;
    if (this.allowed) return this.allowed.has(url.origin);
    return LOOPBACK_HOSTNAMES.has(url.hostname) || this.machineNames().has(url.hostname);
  }
}

/** This machine's host names and addresses as URL host names, re-read now and then (DHCP). */
function cachedMachineNames(): () => ReadonlySet<string> {
  let names: ReadonlySet<string> = new Set();
  let readAt = -Infinity;
  return () => {
    if (Date.now() - readAt > MACHINE_NAMES_TTL_MS) {
      names = readMachineNames();
      readAt = Date.now();
    }
    return names;
  };
}

function readMachineNames(): ReadonlySet<string> {
  const own = hostname().toLowerCase();
  const names = new Set([own, `${own}.local`]);
  for (const addresses of Object.values(networkInterfaces())) {
    for (const { address, family } of addresses ?? []) {
      // URL host names carry IPv6 addresses in brackets and without a zone.
      names.add(family === 'IPv6' ? `[${address.split('%')[0]}]` : address);
    }
  }
  return names;
}
