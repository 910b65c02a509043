import { IceServer } from '@duet/shared/protocol';

/** Where browsers find STUN/TURN servers, and whether media may only go through TURN. */
export interface IceConfig {
  /** Static `RTCIceServer`s (`ICE_SERVERS`), already checked the way browsers check them. */
  readonly servers: readonly IceServer[];
  /** TURN with short-lived REST credentials (coturn `use-auth-secret`), when `TURN_SECRET` is set. */
  readonly turn: TurnConfig | undefined;
  /** `relay`: browsers use TURN only, so peers never learn each other's addresses. */
  readonly transportPolicy: 'all' | 'relay';
}

export interface TurnConfig {
  /** Shared with coturn (`static-auth-secret`); never sent to a browser or written to a log. */
  readonly secret: string;
  readonly urls: readonly string[];
  /** How long each issued credential is valid; renewed before it expires. */
  readonly ttlSeconds: number;
}

const ICE_SCHEMES = /^(stuns?|turns?):/i;

/**
 * Why a browser would refuse `url` in an `RTCIceServer`, or undefined if it would take it:
 * `stun:`/`stuns:`/`turn:`/`turns:` followed by a host (and optional port); only TURN URLs may carry
 * `?transport=udp|tcp`.
 */
export function iceUrlProblem(url: string): string | undefined {
  const scheme = ICE_SCHEMES.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return `"${url}" is not a stun:, stuns:, turn: or turns: URL`;
  const rest = url.slice(scheme.length + 1);
  const [hostPort, query, ...more] = rest.split('?');
  if (more.length > 0 || !/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i.test(hostPort)) {
    return `"${url}" has no valid host[:port] after "${scheme}:"`;
  }
  const port = /:(\d+)$/.exec(hostPort)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65_535)) return `"${url}" has an invalid port`;
  if (query !== undefined) {
    if (scheme.startsWith('stun')) return `"${url}": STUN URLs take no query`;
    if (!/^transport=(udp|tcp)$/i.test(query)) return `"${url}": the only query allowed is ?transport=udp or ?transport=tcp`;
  }
  return undefined;
}

/**
 * Checks `value` (parsed `ICE_SERVERS` JSON) the way `new RTCPeerConnection({iceServers})` does,
 * and a little stricter (unknown keys such as the old `url` are refused, since browsers ignore
 * them silently). Returns the servers, or the first problem, naming the entry.
 */
export function parseIceServers(value: unknown): { servers: IceServer[] } | { problem: string } {
  if (!Array.isArray(value)) return { problem: 'must be a JSON array of RTCIceServer objects' };
  if (value.length > 16) return { problem: 'at most 16 entries' };
  const servers: IceServer[] = [];
  for (const [index, entry] of value.entries()) {
    const where = `entry ${index + 1} (${JSON.stringify(entry)})`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return { problem: `${where} is not an object` };
    const unknown = Object.keys(entry).filter((key) => !['urls', 'username', 'credential'].includes(key));
    if (unknown.length > 0) {
      const hint = unknown.includes('url') ? '; did you mean "urls"?' : '';
      return { problem: `${where} has unknown key "${unknown[0]}"${hint}` };
    }
    const { urls, username, credential } = entry as Record<string, unknown>;
    const list = typeof urls === 'string' ? [urls] : urls;
    if (!Array.isArray(list) || list.length === 0 || !list.every((url) => typeof url === 'string')) {
      return { problem: `${where} needs "urls": a URL or a non-empty array of URLs` };
    }
    for (const url of list as string[]) {
      const problem = iceUrlProblem(url);
      if (problem) return { problem: `${where}: ${problem}` };
    }
    if (username !== undefined && typeof username !== 'string') return { problem: `${where}: "username" must be a string` };
    if (credential !== undefined && typeof credential !== 'string') return { problem: `${where}: "credential" must be a string` };
    const needsCredentials = (list as string[]).some((url) => /^turns?:/i.test(url));
    if (needsCredentials && (!username || !credential)) {
      return { problem: `${where}: a TURN server needs "username" and "credential" (or use TURN_SECRET for short-lived ones)` };
    }
    servers.push({ urls: urls as string | string[], ...(username !== undefined && { username }), ...(credential !== undefined && { credential }) });
  }
  return { servers };
}
