import { ConfigError } from '@duet/server/config';
import { isValidUsername } from '@duet/shared/protocol';
import { Logger } from '@nestjs/common';
import { createRemoteJWKSet, JWTPayload, JWTVerifyGetKey, jwtVerify, JWTVerifyOptions } from 'jose';
import { createPublicKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { bearerToken } from './bearer-token';
import { ConnectionAuthenticator, Identity } from './connection-authenticator';

export interface JwtAuthOptions {
  readonly secret?: string;
  readonly publicKeyFile?: string;
  readonly jwksUrl?: string;
  /** Least time between two fetches of the JWKS (default 5 s); embedders and tests may change it. */
  readonly jwksCooldownMs?: number;
  readonly issuer?: string;
  readonly audience?: string;
  /** The claim that holds the username, or several: the first that holds a valid one is taken. */
  readonly usernameClaim: string | readonly string[];
}

/**
 * How the identity provider's JWKS is fetched: a bounded wait, a cache, and a cool-down between
 * fetches, so a flood of tokens with made-up `kid`s costs the identity provider at most 12 fetches
 * a minute per instance (auth0's jwks-rsa allows 10). The cool-down is short because it is also how
 * long a key rotated in just after a fetch stays unknown: its tokens are refused meanwhile, and an
 * in-band renewal refused in a call means a reconnect notice for the peer (30 s was, in the test
 * against oidc-provider, 30 s of refused sign-ins and renewals after a rotation).
 */
export const JWKS_FETCH = { timeoutDuration: 5_000, cooldownDuration: 5_000, cacheMaxAge: 10 * 60_000 } as const;

/** Asymmetric algorithms only: a JWKS publishes public keys, and HS* with a public key is the classic confusion. */
const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * AUTH_MODE=jwt. With a secret or a key file, exactly one algorithm is accepted, fixed by the key
 * (HS256 for a secret, RS256 or ES256/384 for a public key), so `alg: none` and algorithm
 * confusion (an HS256 token "signed" with the public key) fail verification. With a JWKS URL
 * (Keycloak, Entra ID, Okta, Auth0, Google...), the key is picked by the token's `kid` from the
 * provider's published set, which is refetched when an unknown `kid` appears (key rotation);
 * issuer and audience are then required. `exp` is required; `nbf`, `iss` and `aud` are checked
 * when present or configured. The username is the configured claim (or the first of several that
 * holds a valid name: AUTH_MODE=oidc). The same checks verify a token sent in-band (`renew`).
 */
export class JwtAuthenticator extends ConnectionAuthenticator {
  private readonly logger = new Logger(JwtAuthenticator.name);
  private readonly key: Uint8Array | KeyObject | JWTVerifyGetKey;
  private readonly verifyOptions: JWTVerifyOptions;

  constructor(private readonly options: JwtAuthOptions) {
    super();
    const { key, algorithms } = options.jwksUrl
      ? {
          key: createRemoteJWKSet(new URL(options.jwksUrl), { ...JWKS_FETCH, cooldownDuration: options.jwksCooldownMs ?? JWKS_FETCH.cooldownDuration }),
          algorithms: JWKS_ALGORITHMS,
        }
      : options.secret
        ? { key: new TextEncoder().encode(options.secret), algorithms: ['HS256'] }
        : loadPublicKey(options.publicKeyFile);
    this.key = key;
    this.verifyOptions = {
      algorithms,
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ['exp'],
      clockTolerance: 5,
    };
  }

  async authenticate(request: IncomingMessage): Promise<Identity | undefined> {
    const token = bearerToken(request);
    return token === undefined ? undefined : this.verify(token);
  }

  /** A fresh token for a connection that is open: the same checks as at the upgrade. */
  override async renew(token: string): Promise<Identity | undefined> {
    return this.verify(token);
  }

  private async verify(token: string): Promise<Identity | undefined> {
    try {
      const { payload } =
        this.key instanceof Uint8Array || this.key instanceof KeyObject
          ? await jwtVerify(token, this.key, this.verifyOptions)
          : await jwtVerify(token, this.key, this.verifyOptions);
      const username = usernameOf(payload, this.options.usernameClaim);
      if (username === undefined) {
        this.logger.warn(`token refused: claim ${[this.options.usernameClaim].flat().join(' / ')} is not a valid username`);
        return undefined;
      }
      // `exp` is required above, so every JWT connection ends when its token does.
      return { username, expiresAt: (payload.exp as number) * 1_000 };
    } catch (error) {
      // Expected for expired or forged tokens: say why at debug level, never log the token.
      this.logger.debug(`token refused: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }
}

/**
 * The first of `claims` that holds a valid username. An `email` the provider says it has not
 * verified (`email_verified: false`) is skipped: anyone could have typed it.
 */
function usernameOf(payload: JWTPayload, claims: string | readonly string[]): string | undefined {
  for (const claim of [claims].flat()) {
    if (claim === 'email' && payload['email_verified'] === false) continue;
    const value = payload[claim];
    if (isValidUsername(value)) return value;
  }
  return undefined;
}

function loadPublicKey(file: string | undefined): { key: KeyObject; algorithms: string[] } {
  if (file === undefined) throw new Error('JWT mode needs a secret, a public key file or a JWKS URL');
  let key: KeyObject;
  try {
    key = createPublicKey(readFileSync(file));
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? 'not a PEM public key';
    throw new ConfigError(`Invalid AUTH_JWT_PUBLIC_KEY_FILE="${file}": cannot use it (${why})`);
  }
  if (key.asymmetricKeyType === 'rsa') return { key, algorithms: ['RS256'] };
  const curve = key.asymmetricKeyType === 'ec' ? key.asymmetricKeyDetails?.namedCurve : undefined;
  if (curve === 'prime256v1') return { key, algorithms: ['ES256'] };
  if (curve === 'secp384r1') return { key, algorithms: ['ES384'] };
  throw new ConfigError(`Invalid AUTH_JWT_PUBLIC_KEY_FILE="${file}": unsupported key; use RSA, or EC P-256 / P-384`);
}
