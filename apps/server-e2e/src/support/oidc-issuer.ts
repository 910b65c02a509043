import { exportJWK, generateKeyPair, KeyLike, SignJWT } from 'jose';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export const CLIENT_ID = 'duet';

/** What the issuer's discovery document says, given its own issuer URL. */
export type DiscoveryDocument = (issuer: string) => Record<string, unknown>;

/** A discovery document as a provider publishes it; the token endpoint on another origin, as some do. */
export const STANDARD_DOCUMENT: DiscoveryDocument = (issuer) => ({
  issuer,
  jwks_uri: `${issuer}/jwks`,
  authorization_endpoint: `${issuer}/auth`,
  token_endpoint: 'https://tokens.idp.test/token',
  userinfo_endpoint: `${issuer}/me`,
  revocation_endpoint: `${issuer}/token/revocation`,
});

export interface SignOptions {
  /** Seconds from now; negative for the past. */
  readonly expiresIn?: number;
  readonly audience?: string;
  /** Sign with a key the provider never published, under its key's `kid`: a forgery. */
  readonly forged?: boolean;
}

/**
 * A stand-in OpenID provider on loopback: its discovery document and its JWKS over plain http,
 * and ID tokens signed with its key. (The browser tests run the real `oidc-provider`; the server's
 * side needs only what it fetches.)
 */
export interface FakeIssuer {
  readonly issuer: string;
  sign(claims: Record<string, unknown>, options?: SignOptions): Promise<string>;
  close(): Promise<void>;
}

export async function startFakeIssuer(document: DiscoveryDocument = STANDARD_DOCUMENT): Promise<FakeIssuer> {
  const kid = 'key-1';
  const published = await generateKeyPair('RS256', { extractable: true });
  const stranger = await generateKeyPair('RS256', { extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(published.publicKey)), kid, alg: 'RS256', use: 'sig' }] };
  let issuer = '';
  const server: Server = createServer((request, response) => {
    const body =
      request.url === '/oidc/.well-known/openid-configuration' ? document(issuer) : request.url === '/oidc/jwks' ? jwks : undefined;
    if (body === undefined) return void response.writeHead(404).end();
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oidc`;
  return {
    issuer,
    sign: (claims, { expiresIn = 300, audience = CLIENT_ID, forged = false } = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1_000) + expiresIn)
        .sign((forged ? stranger : published).privateKey as KeyLike),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The `auth` settings of a test server signing people in at `issuer`. */
export const oidcAuth = (issuer: string) =>
  ({ mode: 'oidc', issuer, clientId: CLIENT_ID, scopes: 'openid profile email offline_access', usernameClaim: undefined }) as const;
