import { ConfigError } from '@duet/server/config';
import { discoverOidc, OidcDiscovery } from './oidc-discovery';

/** A code no provider ever issued: the exchange can only fail, and how it fails is the answer. */
const IMPOSSIBLE_CODE = 'duet-start-up-check';
/** RFC 7636: 43-128 characters; any will do for a code that does not exist. */
const ANY_VERIFIER = 'duet-start-up-check-duet-start-up-check-duet';

/**
 * Asks the provider, at start-up, whether it knows `clientId` as a public client: a wrong client id
 * is the commonest mistake, and otherwise nobody learns of it until a person is stuck on the
 * provider's own error page (it must not redirect back for an unknown client, RFC 6749 4.1.2.1).
 * The one question a provider answers without a person is a code exchange: with a code that cannot
 * exist, a known public client gets `invalid_grant`, while an unknown client id, or one registered
 * as confidential (it wants a secret Duet does not have), gets `invalid_client` (RFC 6749 5.2).
 * Only that answer stops the start; anything else (no token endpoint, a network error, another
 * code) is left to the sign-in itself, whose failures the page explains.
 */
export async function checkPublicClient(discovery: OidcDiscovery, clientId: string, timeoutMs = 5_000): Promise<void> {
  if (discovery.tokenEndpoint === undefined) return;
  let error: unknown;
  try {
    const response = await fetch(discovery.tokenEndpoint, {
      method: 'POST',
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: IMPOSSIBLE_CODE, client_id: clientId, code_verifier: ANY_VERIFIER }),
    });
    error = ((await response.json()) as { error?: unknown }).error;
  } catch {
    return;
  }
  if (error === 'invalid_client') {
    throw new ConfigError(
      `Invalid OIDC_CLIENT_ID="${clientId}": the provider's token endpoint does not accept it as a public client (invalid_client): register Duet there as a public client (no secret) under this id`,
    );
  }
}

/** AUTH_MODE=oidc's start-up: the discovery document, then the client id checked against it. */
export async function connectToOidcProvider(auth: { issuer: string; clientId: string }): Promise<OidcDiscovery> {
  const discovery = await discoverOidc(auth.issuer);
  await checkPublicClient(discovery, auth.clientId);
  return discovery;
}
