import { TokenTimes } from './renewal-schedule';

/**
 * The seam between the sign-in flow's logic and oidc-client-ts: the flow is unit-tested with a
 * fake of this, and the library (a lazy chunk) is only loaded in oidc mode.
 */
export interface OidcClient {
  /** The session kept in the tab's storage from an earlier sign-in, or null. */
  storedSession(): Promise<OidcSession | null>;
  /**
   * Finishes a sign-in at the redirect URI (`url` is the full callback address): code exchange with
   * PKCE. `returnTo` is what startSignIn kept with the redirect's state (unchecked: see return-path.ts).
   */
  completeSignIn(url: string): Promise<{ session: OidcSession; returnTo: unknown }>;
  /** Renews the tokens with the refresh token (no iframe, no page). */
  refresh(): Promise<OidcSession>;
  /**
   * Leaves for the provider's sign-in page; settles only if the page stays. `returnTo` (path and
   * query) is kept with the redirect's state, for completeSignIn.
   */
  startSignIn(returnTo: string): Promise<void>;
  /** Forgets the session and leaves for the provider's log-out (RP-initiated, `id_token_hint`). */
  signOut(idToken: string): Promise<void>;
  /** Forgets the session in this tab only. */
  forget(): Promise<void>;
}

export interface OidcSession extends TokenTimes {
  /** What Duet's server verifies (design: the ID token's `aud` is the client id at every provider). */
  readonly idToken: string;
  readonly canRefresh: boolean;
}

/**
 * Why a provider call failed: `refused` carries the OAuth error code (RFC 6749 5.2, OIDC Core
 * 3.1.2.6); `unreachable` is a network error or time-out; `failed` is anything else (a bad
 * response, a callback with no matching state).
 */
export type OidcFailureKind = 'refused' | 'unreachable' | 'failed';

export class OidcFailure extends Error {
  constructor(
    readonly kind: OidcFailureKind,
    readonly code: string | null = null,
    message = code ?? kind,
  ) {
    super(message);
    this.name = 'OidcFailure';
  }
}

/** The OAuth codes that say "not now" rather than "no": a renewal retries them. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['server_error', 'temporarily_unavailable']);

/** True when trying again later may succeed (so a renewal retries instead of sending the person away). */
export function isTransient(failure: OidcFailure): boolean {
  return failure.kind !== 'refused' || (failure.code !== null && TRANSIENT_CODES.has(failure.code));
}

/** The `iat` and `exp` of a JWT in ms; the server verifies the token, the app only plans around it. */
export function jwtTimes(jwt: string): { issuedAt: number; expiresAt: number } | null {
  try {
    const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims: unknown = JSON.parse(atob(payload));
    if (typeof claims !== 'object' || claims === null) return null;
    const { iat, exp } = claims as { iat?: unknown; exp?: unknown };
    return typeof iat === 'number' && typeof exp === 'number' ? { issuedAt: iat * 1000, expiresAt: exp * 1000 } : null;
  } catch {
    return null;
  }
}
