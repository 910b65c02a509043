import { SignJWT } from 'jose';

/** The HS256 secret the JWT-mode servers of these specs share with the stand-in portal below. */
export const PORTAL_SECRET = 'web-e2e-secret-that-is-long-enough-for-hs256';

/** What a company portal hands Duet (AUTH_MODE=jwt): a token naming `username`, signed with `PORTAL_SECRET`. */
export function portalToken(username: string, expiresIn = '10m'): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(username).setExpirationTime(expiresIn).sign(new TextEncoder().encode(PORTAL_SECRET));
}
