import { ConfigError } from '@duet/server/config';

/** What Duet takes from an OpenID provider's discovery document (OpenID Connect Discovery 1.0). */
export interface OidcDiscovery {
  /** The provider's issuer identifier, exactly as its tokens carry it in `iss`. */
  readonly issuer: string;
  /** Its signing keys (JWKS): how ID tokens are verified. */
  readonly jwksUri: string;
  /** Endpoints the browser calls (code exchange, renewal, revocation): the CSP must allow them. */
  readonly tokenEndpoint?: string;
  readonly userinfoEndpoint?: string;
  readonly revocationEndpoint?: string;
}

/** The DI token of the `OidcDiscovery` the server runs with (`null` unless `AUTH_MODE=oidc`). */
export const OIDC_DISCOVERY = Symbol('OIDC_DISCOVERY');

/** A provider that has not answered by then is down or unreachable: say so instead of hanging the start. */
export const OIDC_DISCOVERY_TIMEOUT_MS = 5_000;

/** A discovery document is a few kB; more is not one. */
const MAX_DOCUMENT_BYTES = 256 * 1_024;

/**
 * Fetches `${issuer}/.well-known/openid-configuration` once, at start-up, and checks what Duet
 * relies on: the document names the same issuer (a trailing slash aside), and publishes its keys
 * (`jwks_uri`) over https (plain http only on loopback, as for `AUTH_JWT_JWKS_URL`). Any failure is
 * one ConfigError naming OIDC_ISSUER.
 */
export async function discoverOidc(issuer: string, timeoutMs = OIDC_DISCOVERY_TIMEOUT_MS): Promise<OidcDiscovery> {
  const url = `${withoutTrailingSlash(issuer)}/.well-known/openid-configuration`;
  const refuse = (problem: string) => new ConfigError(`Invalid OIDC_ISSUER="${issuer}": discovery document ${url} ${problem}`);
  let text: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    if (!response.ok) throw refuse(`cannot be fetched (HTTP ${response.status})`);
    text = await response.text();
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw refuse(`cannot be fetched (${fetchProblem(error, timeoutMs)})`);
  }
  if (text.length > MAX_DOCUMENT_BYTES) throw refuse(`is over ${MAX_DOCUMENT_BYTES / 1_024} KiB`);
  let document: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TypeError('not an object');
    document = parsed as Record<string, unknown>;
  } catch {
    throw refuse('is not a JSON object');
  }
  const named = document['issuer'];
  if (typeof named !== 'string' || withoutTrailingSlash(named) !== withoutTrailingSlash(issuer)) {
    throw refuse(`names the issuer ${JSON.stringify(named)}: OIDC_ISSUER must be exactly the provider's issuer`);
  }
  const jwksUri = document['jwks_uri'];
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) throw refuse('has no jwks_uri (the provider\'s signing keys)');
  if (!isHttpsOrLoopback(jwksUri)) throw refuse(`has jwks_uri ${jwksUri}: it must be https:// (plain http only on loopback)`);
  return {
    issuer: named,
    jwksUri,
    tokenEndpoint: endpoint(document['token_endpoint']),
    userinfoEndpoint: endpoint(document['userinfo_endpoint']),
    revocationEndpoint: endpoint(document['revocation_endpoint']),
  };
}

/**
 * The origins the web app fetches in OIDC mode, for the CSP's `connect-src`: the issuer's (its
 * discovery document and keys) and those of the endpoints the browser calls.
 */
export function oidcConnectOrigins(discovery: OidcDiscovery): string[] {
  const urls = [discovery.issuer, discovery.tokenEndpoint, discovery.userinfoEndpoint, discovery.revocationEndpoint];
  return [...new Set(urls.filter((url) => url !== undefined).map((url) => new URL(url).origin))];
}

function endpoint(value: unknown): string | undefined {
  return typeof value === 'string' && URL.canParse(value) && /^https?:$/.test(new URL(value).protocol) ? value : undefined;
}

function isHttpsOrLoopback(text: string): boolean {
  const url = new URL(text);
  return url.protocol === 'https:' || (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname));
}

function withoutTrailingSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

/**
 * Why a fetch failed, in a word an operator can act on (ECONNREFUSED, ENOTFOUND, a certificate...).
 * Duck-typed: fetch's errors come from Node's own realm, where `instanceof Error` may not hold.
 */
function fetchProblem(error: unknown, timeoutMs: number): string {
  const { name, message, cause } = (error ?? {}) as { name?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs / 1_000} s`;
  if (typeof cause?.code === 'string') return cause.code;
  const text = typeof cause?.message === 'string' ? cause.message : typeof message === 'string' ? message : String(error);
  return text.split('\n')[0];
}
