// What the app shell needs before the lobby: the bootstrap's settings provider and the page's
// log-out hooks (`@duet/web/accounts/shell`). Only this is loaded eagerly; the rest of the library
// is the lobby's lazy chunk (the call page loads it with @defer).
export * from './lib/account-settings';
export * from './lib/log-out-hooks';
