import { AUTH_SETTINGS_PATH, AccountSettings, AuthSettings, MAX_INVITE_TTL_HOURS } from '@duet/shared/protocol';

const OPEN: AuthSettings = { mode: 'none' };

/**
 * The server's sign-in settings (`GET /auth/settings`), read once before the app starts. When they
 * cannot be had (an older server, a network error) the app starts as in open mode: the socket's
 * admission check then tells the person what is wrong, in words, instead of a blank page.
 */
export async function loadAuthSettings(fetcher: typeof fetch = fetch): Promise<AuthSettings> {
  try {
    const response = await fetcher(AUTH_SETTINGS_PATH, { cache: 'no-store', headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const settings = parseAuthSettings(await response.json());
    if (settings === null) throw new Error('not valid sign-in settings');
    return settings;
  } catch (error) {
    console.warn(`${AUTH_SETTINGS_PATH} could not be read (${String(error)}); starting without sign-in`);
    return OPEN;
  }
}

export function parseAuthSettings(value: unknown): AuthSettings | null {
  if (typeof value !== 'object' || value === null) return null;
  const { mode, issuer, clientId, scopes } = value as Record<string, unknown>;
  const accounts = parseAccountSettings((value as Record<string, unknown>)['accounts']);
  if (mode === 'none') return { mode };
  if (mode === 'jwt') return { mode, ...accounts };
  if (mode !== 'oidc' || !isFilled(issuer) || !isFilled(clientId) || !isFilled(scopes)) return null;
  return { mode, issuer, clientId, scopes, ...accounts };
}

/** `{ accounts }` when the server keeps call history and push subscriptions (issue 24), else nothing. */
function parseAccountSettings(value: unknown): { accounts?: AccountSettings } {
  const fields = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const pushPublicKey = fields['pushPublicKey'];
  if (!isFilled(pushPublicKey)) return {};
  const invites = fields['invites'];
  const hours = typeof invites === 'object' && invites !== null ? (invites as Record<string, unknown>)['defaultTtlHours'] : undefined;
  // An older server says nothing about invites: the dialog then offers its own default, a day.
  const defaultTtlHours = typeof hours === 'number' && hours > 0 && hours <= MAX_INVITE_TTL_HOURS ? hours : 24;
  return { accounts: { pushPublicKey, invites: { defaultTtlHours } } };
}

function isFilled(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
