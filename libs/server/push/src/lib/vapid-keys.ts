import { PushConfig } from '@duet/server/config';
import { ServerKeyStore } from '@duet/server/storage';
import { Logger } from '@nestjs/common';
import { generateVAPIDKeys, getVapidHeaders } from 'web-push';

/**
 * The server's VAPID identity (RFC 8292): push services tie a subscription to the public key, so
 * it must outlive restarts. Resolved once at start-up (`resolveVapidKeys`).
 */
export abstract class VapidKeys {
  /** Uncompressed P-256 point, base64url: `AccountSettings.pushPublicKey`, the browser's `applicationServerKey`. */
  abstract readonly publicKey: string;
  abstract readonly privateKey: string;
  /** Contact (mailto: or https:) push services may use to reach the operator. */
  abstract readonly subject: string;
}

/** Where the generated pair is kept (`ServerKeyStore`). */
export const VAPID_KEY_NAME = 'vapid';

/**
 * The subject when neither `PUSH_VAPID_SUBJECT` nor an https `PUBLIC_URL` gives one. A valid
 * placeholder (`.invalid` never resolves), so pushes are still sent; start-up warns that it is one.
 */
export const PLACEHOLDER_VAPID_SUBJECT = 'mailto:push-contact@duet.invalid';

/**
 * The configured keys (`PUSH_VAPID_*`), else a pair generated once and kept in `keys` (instances
 * starting together agree on the first one stored). Fails at start-up if a key is malformed.
 */
export async function resolveVapidKeys(config: PushConfig, keys: ServerKeyStore, logger = new Logger('Push')): Promise<VapidKeys> {
  if (config.vapid !== undefined) return checked(config.vapid, 'PUSH_VAPID_PUBLIC_KEY / PUSH_VAPID_PRIVATE_KEY');
  const stored = await keys.getOrCreate(VAPID_KEY_NAME, () => JSON.stringify(generateVAPIDKeys()));
  const { publicKey, privateKey } = JSON.parse(stored) as { publicKey: string; privateKey: string };
  if (config.subject === undefined) {
    logger.warn(
      `PUSH_VAPID_SUBJECT is not set (nor an https PUBLIC_URL): push services get the placeholder contact ${PLACEHOLDER_VAPID_SUBJECT}. ` +
        'Set PUSH_VAPID_SUBJECT to a mailto: or https: address where they can reach you.',
    );
  }
  return checked({ publicKey, privateKey, subject: config.subject ?? PLACEHOLDER_VAPID_SUBJECT }, `the VAPID key pair kept in the database (${VAPID_KEY_NAME})`);
}

/** web-push's own checks, run now rather than at the first call. */
function checked(keys: VapidKeys, source: string): VapidKeys {
  try {
    getVapidHeaders('https://push.example', keys.subject, keys.publicKey, keys.privateKey, 'aes128gcm');
  } catch (error) {
    throw new Error(`Invalid ${source}: ${(error as Error).message}`);
  }
  return { publicKey: keys.publicKey, privateKey: keys.privateKey, subject: keys.subject };
}
