import { isDevMode } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import { provideAccounts } from '@duet/web/accounts/shell';
import { forgetEndedGuest, isGuestPage, loadAuthSettings, provideGuestSignIn, provideSignIn, tabStorageOf } from '@duet/web/auth';
import { AppComponent } from './app/app.component';
import { appConfig } from './app/app.config';

// The server says how people sign in (/auth/settings), so the build carries no sign-in configuration.
// Company sign-in settles (callback, stored session) before the page is built. An invite link's
// page (`/join/<token>`, or a tab that joined as a guest) signs in as a guest instead, and a guest
// has no account: no history, no push, no invites.
async function start(): Promise<void> {
  const settings = await loadAuthSettings();
  const tabStorage = tabStorageOf(window);
  const guest = isGuestPage({ location: window.location, storage: tabStorage });
  if (!guest) forgetEndedGuest(tabStorage);
  const signIn = guest ? await provideGuestSignIn() : await provideSignIn(settings);
  const accounts = provideAccounts(guest ? { mode: 'none' } : settings);
  await bootstrapApplication(AppComponent, appConfig([...signIn, accounts]));
}

/**
 * The app's service worker (public/sw.js: installable app, offline page). Production builds only
 * (a dev server's files change under it), and only where the browser offers one: secure contexts.
 * It is registered once the app runs and a failure never stops the app.
 */
function registerServiceWorker(): void {
  if (isDevMode() || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker
    .register('/sw.js', { scope: '/', updateViaCache: 'none' })
    .catch((error) => console.warn('the service worker was not registered:', error));
}

start()
  .then(registerServiceWorker)
  .catch((error) => console.error(error));
