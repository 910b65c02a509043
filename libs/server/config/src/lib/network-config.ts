import * as proxyAddr from 'proxy-addr';

/** How the server speaks HTTP: plain, HTTPS with the operator's certificate, or with one it makes for a LAN. */
export type TlsConfig =
  | { readonly mode: 'off' }
  | { readonly mode: 'files'; readonly certFile: string; readonly keyFile: string }
  | { readonly mode: 'self-signed' };

/**
 * Which peers may tell the server the client's address (`X-Forwarded-For`): none (off), the
 * nearest `hops` proxies, or those at the listed addresses and CIDRs (`loopback`, `linklocal`,
 * `uniquelocal` name the usual private ranges).
 */
export type TrustProxyConfig = { readonly mode: 'off' } | { readonly mode: 'hops'; readonly hops: number } | { readonly mode: 'addresses'; readonly addresses: readonly string[] };

/** `TRUST_PROXY`: `false`/`0` (default), a hop count, or a comma-separated list of addresses/CIDRs. */
export function parseTrustProxy(text: string | undefined): TrustProxyConfig | { problem: string } {
  const value = text?.trim();
  if (value === undefined || value === '' || value === 'false' || value === '0') return { mode: 'off' };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops <= 10 ? { mode: 'hops', hops } : { problem: 'a hop count must be 10 or less' };
  }
  const addresses = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  try {
    proxyAddr.compile(addresses);
  } catch (error) {
    return { problem: `${error instanceof Error ? error.message : String(error)}; use a hop count, or addresses/CIDRs such as 10.0.0.0/8, loopback` };
  }
  return { mode: 'addresses', addresses };
}
