import { generateKeyPair, exportSPKI, KeyLike, SignJWT, UnsecuredJWT } from 'jose';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ISSUER = 'https://idp.duet.test';
export const AUDIENCE = 'duet';
export const HS_SECRET = 'a-test-secret-that-is-long-enough-for-hs256';

export interface TokenOptions {
  sub?: string;
  issuer?: string;
  audience?: string;
  /** Seconds from now; negative for the past. */
  expiresIn?: number | null;
  notBefore?: number;
  claims?: Record<string, unknown>;
}

/** Signs a real JWT, the way an identity provider would. */
export async function signToken(key: KeyLike | Uint8Array, alg: string, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...options.claims })
    .setProtectedHeader({ alg })
    .setSubject(options.sub ?? 'alice')
    .setIssuedAt(now)
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE);
  if (options.expiresIn !== null) jwt.setExpirationTime(now + (options.expiresIn ?? 300));
  if (options.notBefore !== undefined) jwt.setNotBefore(now + options.notBefore);
  return jwt.sign(key);
}

export const hsKey = () => new TextEncoder().encode(HS_SECRET);

/** `alg: none`: no signature at all. */
export function unsignedToken(sub = 'alice'): string {
  const now = Math.floor(Date.now() / 1000);
  return new UnsecuredJWT({}).setSubject(sub).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime(now + 300).encode();
}

/** A key pair whose public half is in a PEM file, as an operator would configure it. */
export async function keyPairWithPemFile(alg: 'RS256' | 'ES256') {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const pem = await exportSPKI(publicKey);
  const file = join(mkdtempSync(join(tmpdir(), 'duet-key-')), `${alg}.pem`);
  writeFileSync(file, pem);
  return { privateKey, publicKey, pem, file };
}
