import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { captureOutput, stopChild } from './child';
import { freePort } from './free-port';

/** The child's entry: oidc-provider is ESM-only, so `node` runs it, not Jest. Found beside this file. */
const PROVIDER_ENTRY = join(__dirname, 'oidc-provider', 'provider.mjs');

/** Duet's client at the test provider: public (PKCE, no secret), with refresh tokens. */
export const DUET_CLIENT_ID = 'duet';
/** Another application at the same provider: its ID tokens are for another audience. */
export const OTHER_CLIENT_ID = 'other-app';
export const OTHER_REDIRECT_URI = 'http://127.0.0.1/other-app/callback';

/** Token and session lifetimes at the provider, in seconds. */
export interface OidcTtl {
  readonly accessToken?: number;
  readonly idToken?: number;
  readonly refreshToken?: number;
  readonly session?: number;
}

export interface OidcProviderOptions {
  /** Where the provider may send the browser back for Duet's client (Duet's `<origin>/auth/callback`). */
  readonly redirectUris: readonly string[];
  /** Where it may send the browser after a log-out (Duet's `<origin>/`). */
  readonly postLogoutRedirectUris?: readonly string[];
  /** Defaults: access and ID tokens 300 s, refresh tokens and sessions 3600 s. */
  readonly ttl?: OidcTtl;
  /** A free loopback port by default. */
  readonly port?: number;
}

/** Duet's redirect URIs for a server at `baseUrl`, as the design fixes them. */
export function duetClientUris(baseUrl: string): Pick<OidcProviderOptions, 'redirectUris' | 'postLogoutRedirectUris'> {
  const origin = new URL(baseUrl).origin;
  return { redirectUris: [`${origin}/auth/callback`], postLogoutRedirectUris: [`${origin}/`] };
}

export interface OidcProvider {
  /** `http://127.0.0.1:<port>`, what OIDC_ISSUER names. */
  readonly issuer: string;
  readonly port: number;
  /**
   * Test-only: a new signing key signs from now on. `keepOld` (default true) keeps the old keys in
   * the JWKS, as providers do while tokens they signed are still valid; false drops them at once.
   */
  rotateSigningKey(options?: { keepOld?: boolean }): Promise<{ kid: string; kids: string[] }>;
  /** Test-only: every refresh token issued so far is expired (a refresh then gets `invalid_grant`). */
  expireRefreshTokens(): Promise<number>;
  /** Test-only: every sign-in session at the provider ends (the next authorization asks to sign in). */
  endSessions(): Promise<number>;
  /** Everything it printed. */
  output(): string;
  /** SIGTERM, SIGKILL after 5 s; waits until it has exited. */
  stop(): Promise<void>;
}

/**
 * A real oidc-provider on loopback with Duet's public client and `other-app`, a login page that
 * takes any password (and a Cancel that answers `access_denied`), consent implied by signing in,
 * refresh tokens for Duet, and the test-only admin calls above. Stop it in `afterAll`.
 */
export async function startOidcProvider(options: OidcProviderOptions): Promise<OidcProvider> {
  const port = options.port ?? (await freePort());
  const issuer = `http://127.0.0.1:${port}`;
  const adminKey = randomUUID();
  const publicClient = { token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'] };
  const clients = [
    {
      ...publicClient,
      client_id: DUET_CLIENT_ID,
      redirect_uris: options.redirectUris,
      post_logout_redirect_uris: options.postLogoutRedirectUris ?? [],
    },
    { ...publicClient, client_id: OTHER_CLIENT_ID, redirect_uris: [OTHER_REDIRECT_URI] },
  ];
  const settings = { port, adminKey, clients, ttl: options.ttl ?? {}, parentPid: process.pid };
  const child = spawn(process.execPath, [PROVIDER_ENTRY], {
    env: { ...process.env, OIDC_TEST_PROVIDER: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = captureOutput(child, 'the OIDC test provider');
  try {
    await output.waitFor(`oidc test provider serving ${issuer}`, 20_000);
  } catch (error) {
    await stopChild(child, 'SIGKILL');
    throw error;
  }

  const admin = async <T>(action: string, query = ''): Promise<T> => {
    const response = await fetch(`${issuer}/test-admin/${adminKey}/${action}${query}`, { method: 'POST' });
    if (!response.ok) throw new Error(`the OIDC test provider refused ${action}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    issuer,
    port,
    rotateSigningKey: ({ keepOld = true } = {}) => admin('rotate-key', `?keepOld=${keepOld}`),
    expireRefreshTokens: async () => (await admin<{ expired: number }>('expire-refresh-tokens')).expired,
    endSessions: async () => (await admin<{ ended: number }>('end-sessions')).ended,
    output: output.text,
    stop: () => stopChild(child, 'SIGTERM'),
  };
}
