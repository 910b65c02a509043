import { isValidUsername } from '@duet/shared/protocol';
import { Logger } from '@nestjs/common';
import { jwtVerify, JWTVerifyOptions } from 'jose';
import { createPublicKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { bearerToken } from './bearer-token';
import { ConnectionAuthenticator, Identity } from './connection-authenticator';

export interface JwtAuthOptions {
  readonly secret?: string;
  readonly publicKeyFile?: string;
  readonly issuer?: string;
  readonly audience?: string;
  readonly usernameClaim: string;
}

/**
 * AUTH_MODE=jwt. Exactly one algorithm is accepted, fixed by the configured key (HS256 for a
 * secret, RS256 or ES256/384 for a public key), so `alg: none` and algorithm confusion (an HS256
 * token "signed" with the public key) fail verification. `exp` is required; `nbf`, `iss` and `aud`
 * are checked when present or configured. The username is the configured claim.
 */
export class JwtAuthenticator extends ConnectionAuthenticator {
  private readonly logger = new Logger(JwtAuthenticator.name);
  private readonly key: Uint8Array | KeyObject;
  private readonly verifyOptions: JWTVerifyOptions;

  constructor(private readonly options: JwtAuthOptions) {
    super();
    const { key, algorithm } = options.secret
      ? { key: new TextEncoder().encode(options.secret), algorithm: 'HS256' }
      : loadPublicKey(options.publicKeyFile);
    this.key = key;
    this.verifyOptions = {
      algorithms: [algorithm],
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ['exp'],
      clockTolerance: 5,
    };
  }

  async authenticate(request: IncomingMessage): Promise<Identity | undefined> {
    const token = bearerToken(request);
    if (token === undefined) return undefined;
    try {
      const { payload } = await jwtVerify(token, this.key, this.verifyOptions);
      const username = payload[this.options.usernameClaim];
      if (!isValidUsername(username)) {
        this.logger.warn(`token refused: claim ${this.options.usernameClaim} is not a valid username`);
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

function loadPublicKey(file: string | undefined): { key: KeyObject; algorithm: string } {
  if (file === undefined) throw new Error('JWT mode needs a secret or a public key file');
  const key = createPublicKey(readFileSync(file));
  if (key.asymmetricKeyType === 'rsa') return { key, algorithm: 'RS256' };
  const curve = key.asymmetricKeyType === 'ec' ? key.asymmetricKeyDetails?.namedCurve : undefined;
  if (curve === 'prime256v1') return { key, algorithm: 'ES256' };
  if (curve === 'secp384r1') return { key, algorithm: 'ES384' };
  throw new Error(`unsupported public key in ${file}: use RSA, or EC P-256 / P-384`);
}
