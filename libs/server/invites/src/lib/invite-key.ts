import { InvitesConfig } from '@duet/server/config';
import { ServerKeyStore } from '@duet/server/storage';
import { randomBytes } from 'node:crypto';

/** Where the generated key is kept (`ServerKeyStore`) when `INVITE_SECRET` is not set. */
export const INVITE_KEY_NAME = 'invite-hs256';

/**
 * The HS256 key of invite and guest tokens: `INVITE_SECRET`, else 32 random bytes generated once
 * and kept in the database, so links outlive restarts and every instance of a cluster agrees.
 * It never signs anything a member authenticator accepts (config refuses `AUTH_JWT_SECRET`).
 */
export async function resolveInviteKey(config: InvitesConfig, keys: ServerKeyStore): Promise<Uint8Array> {
  if (config.secret !== undefined) return new TextEncoder().encode(config.secret);
  const stored = await keys.getOrCreate(INVITE_KEY_NAME, () => randomBytes(32).toString('base64url'));
  return Buffer.from(stored, 'base64url');
}
