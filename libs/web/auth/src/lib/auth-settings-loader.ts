import { AUTH_SETTINGS_PATH, AuthSettings } from '@duet/shared/protocol';

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
  if (mode === 'none' || mode === 'jwt') return { mode };
  if (mode !== 'oidc' || !isFilled(issuer) || !isFilled(clientId) || !isFilled(scopes)) return null;
  return { mode, issuer, clientId, scopes };
}

function isFilled(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
