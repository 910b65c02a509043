import { createHmac } from 'node:crypto';

/**
 * A TURN credential in the format coturn checks with `use-auth-secret` (the "TURN REST API"
 * draft): username `<expiry unix time>:<user>`, password base64(HMAC-SHA1(secret, username)).
 * coturn recomputes the password from the username and its copy of the secret, and refuses the
 * credential once the expiry has passed; nothing is stored anywhere.
 */
export function turnRestCredential(secret: string, user: string, expiresAtSeconds: number): { username: string; credential: string } {
  const username = `${expiresAtSeconds}:${user}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}
