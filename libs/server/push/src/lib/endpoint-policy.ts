import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isSpecialAddress } from './special-addresses';

/** Why an endpoint was refused: the message is for the person (or operator) who gave it. */
export class PushEndpointRefused extends Error {
  override readonly name = 'PushEndpointRefused';
}

/** One entry of `PUSH_ENDPOINT_HOSTS`: `name`, `*.suffix`, `host:port`, `1.2.3.4`, `[::1]:8443`. */
interface HostPattern {
  /** Lower case, IPv6 without brackets; for a wildcard, the suffix with its leading dot. */
  readonly host: string;
  readonly wildcard: boolean;
  readonly port: number;
}

/** Where an allowed endpoint connects. */
export interface AllowedEndpoint {
  /** As it connects: lower case, IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
  /** Listed by its exact name or address: it may be on loopback or a private network (tests, on-premises services). */
  readonly listedLiterally: boolean;
}

const HTTPS_PORT = 443;

/**
 * The one allow-list every push endpoint passes (SSRF: the server POSTs to URLs users give it).
 * - https only, a canonical URL (as browsers give it: no parser may read it differently), no
 *   credentials in it;
 * - its host matches a pattern: exact, or `*.suffix` (names below the suffix, never an IP
 *   literal). A pattern without a port allows 443 only;
 * - it resolves to public addresses only, unless its pattern names it literally (exact name or IP).
 * `check` runs when a browser subscribes; the sender's agent (`guardedPushAgent`) applies the
 * same rules to the address each connection really resolves to, as DNS may change in between.
 */
export class PushEndpointPolicy {
  private readonly patterns: readonly HostPattern[];

  constructor(
    hostPatterns: readonly string[],
    /** Every address a name has (tests stand in their own DNS). */
    private readonly resolve: (host: string) => Promise<readonly string[]> = resolveAll,
  ) {
    this.patterns = hostPatterns.map(parsePattern);
  }

  /** The endpoint's host and port if the allow-list lets it through (no DNS); else refused with the reason. */
  allowed(endpoint: string): AllowedEndpoint {
    if (!URL.canParse(endpoint)) throw new PushEndpointRefused('push endpoint is not a URL');
    const url = new URL(endpoint);
    if (url.protocol !== 'https:') throw new PushEndpointRefused('push endpoint must be an https:// URL');
    if (url.username !== '' || url.password !== '') throw new PushEndpointRefused('push endpoint must not carry credentials');
    if (url.href !== endpoint) throw new PushEndpointRefused('push endpoint must be a canonical URL, as the browser gave it');
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = url.port === '' ? HTTPS_PORT : Number(url.port);
    const pattern = this.patterns.find((candidate) => matches(candidate, host, port));
    if (pattern === undefined) {
      throw new PushEndpointRefused(`push endpoint host ${url.host} is not an allowed push service (PUSH_ENDPOINT_HOSTS)`);
    }
    return { host, port, listedLiterally: !pattern.wildcard };
  }

  /** Whether a connection to `host:port` may reach a private or loopback address. */
  listedLiterally(host: string, port: number): boolean {
    return this.patterns.some((pattern) => !pattern.wildcard && matches(pattern, host.toLowerCase(), port));
  }

  /** `allowed`, and what the host resolves to now: for a subscription, before it is kept. */
  async check(endpoint: string): Promise<AllowedEndpoint> {
    const allowed = this.allowed(endpoint);
    if (allowed.listedLiterally) return allowed;
    if (isIP(allowed.host)) {
      if (isSpecialAddress(allowed.host)) throw privateAddress(allowed.host);
      return allowed;
    }
    const addresses = await this.resolve(allowed.host).catch(() => {
      throw new PushEndpointRefused(`push endpoint host ${allowed.host} does not resolve`);
    });
    if (addresses.length === 0 || addresses.some(isSpecialAddress)) throw privateAddress(allowed.host);
    return allowed;
  }
}

export function privateAddress(host: string): PushEndpointRefused {
  return new PushEndpointRefused(`push endpoint host ${host} is on a loopback or private address, which only an exact PUSH_ENDPOINT_HOSTS entry allows`);
}

async function resolveAll(host: string): Promise<readonly string[]> {
  return (await lookup(host, { all: true })).map(({ address }) => address);
}

function parsePattern(text: string): HostPattern {
  const entry = text.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::(\d+))?$/.exec(entry);
  const named = /^(\*\.)?([a-z0-9.-]+)(?::(\d+))?$/.exec(entry);
  // Compared with URL's serialization (`[0:0::1]` is `[::1]` there).
  if (bracketed) return { host: new URL(`https://[${bracketed[1]}]`).hostname.slice(1, -1), wildcard: false, port: portOf(bracketed[2]) };
  if (named) return { host: named[1] ? `.${named[2]}` : named[2], wildcard: named[1] !== undefined, port: portOf(named[3]) };
  throw new Error(`not a push endpoint host pattern: ${text}`);
}

const portOf = (text: string | undefined): number => (text === undefined ? HTTPS_PORT : Number(text));

function matches(pattern: HostPattern, host: string, port: number): boolean {
  if (pattern.port !== port) return false;
  if (!pattern.wildcard) return pattern.host === host;
  return isIP(host) === 0 && host.endsWith(pattern.host) && host.length > pattern.host.length;
}
