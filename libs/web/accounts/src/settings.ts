// The app's bootstrap imports only this (`@duet/web/accounts/settings`), so the rest of the library
// stays in the lobby's lazy chunk (the call page loads it with @defer).
export * from './lib/account-settings';
