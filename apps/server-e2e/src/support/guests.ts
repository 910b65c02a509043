import { GUEST_PREVIEW_PATH, GUEST_SESSIONS_PATH, GuestSession } from '@duet/shared/protocol';
import { request } from 'node:http';
import { Answer } from './accounts';
import { TestClient } from './test-client';

/**
 * A public guest-session call (no sign-in) from `localAddress` (any 127.x.y.z: the loopback net is
 * one interface on Linux), so a test is its own client address for the per-address join limit.
 */
export function guestPost(baseUrl: string, path: string, body: object | string, localAddress = '127.0.0.1'): Promise<Answer & { readonly retryAfter?: string }> {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const call = request(
      `${baseUrl}${path}`,
      { method: 'POST', localAddress, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          const parsed = response.headers['content-type']?.includes('json') ? JSON.parse(text) : text;
          resolve({ status: response.statusCode ?? 0, body: parsed, retryAfter: response.headers['retry-after'] });
        });
      },
    );
    call.on('error', reject);
    call.end(payload);
  });
}

/** The invite token in an invite link (`.../join/<token>`). */
export const inviteTokenOf = (url: string): string => url.slice(url.indexOf('/join/') + '/join/'.length);

export const preview = (baseUrl: string, invite: string, from?: string) => guestPost(baseUrl, GUEST_PREVIEW_PATH, { invite }, from);

/** Joins as `displayName`; throws unless the server made a guest session. */
export async function joinAsGuest(baseUrl: string, invite: string, displayName: string, from?: string): Promise<GuestSession> {
  const answer = await guestPost(baseUrl, GUEST_SESSIONS_PATH, { invite, displayName }, from);
  if (answer.status !== 201) throw new Error(`joining as ${displayName}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Opens `/ws` with a guest token, as the web app does (subprotocol); rejects with the upgrade's status. */
export const connectAsGuest = (wsUrl: string, token: string): Promise<TestClient> => TestClient.connect(wsUrl, { protocols: ['duet', `access_token.${token}`] });
