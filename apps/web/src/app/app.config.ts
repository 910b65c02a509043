import { ApplicationConfig, provideBrowserGlobalErrorListeners, provideZonelessChangeDetection } from '@angular/core';
import { SignInProviders } from '@duet/web/auth';

// One page, no router: the bundle stays small and there is nothing to navigate to.
// `signIn` comes from provideSignIn (main.ts), for the server's sign-in mode.
export function appConfig(signIn: SignInProviders = []): ApplicationConfig {
  return { providers: [provideBrowserGlobalErrorListeners(), provideZonelessChangeDetection(), ...signIn] };
}
