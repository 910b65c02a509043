import { InjectionToken, Provider } from '@angular/core';
import { AccountSettings, AuthSettings } from '@duet/shared/protocol';

/**
 * The server's accounts settings (`AuthSettings.accounts`): present when it keeps call history and
 * push subscriptions (AUTH_MODE jwt or oidc), null when it does not (AUTH_MODE none, where a name
 * is first come, first served and so cannot own anything).
 */
export const ACCOUNT_SETTINGS = new InjectionToken<AccountSettings | null>('ACCOUNT_SETTINGS', {
  providedIn: 'root',
  factory: () => null,
});

/** For `bootstrapApplication`: the accounts settings out of the server's sign-in settings. */
export function provideAccounts(settings: AuthSettings): Provider {
  return { provide: ACCOUNT_SETTINGS, useValue: settings.mode === 'none' ? null : (settings.accounts ?? null) };
}
