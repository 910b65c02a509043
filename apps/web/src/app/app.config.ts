import { ApplicationConfig, provideBrowserGlobalErrorListeners, provideZonelessChangeDetection } from '@angular/core';
import { SignInProviders } from '@duet/web/auth';
import { provideAnswerFromAddress } from '@duet/web/call';
import { provideMediaEffects } from '@duet/web/effects';

// One page, no router: the bundle stays small and there is nothing to navigate to.
// `signIn` comes from provideSignIn (main.ts), for the server's sign-in mode. The address may ask
// to answer a call (`/?answer=`: a notification's Answer, see @duet/web/call's answer-from-address).
// Noise suppression and the background effects load their code and files when first turned on.
export function appConfig(signIn: SignInProviders = []): ApplicationConfig {
  return { providers: [provideBrowserGlobalErrorListeners(), provideZonelessChangeDetection(), provideAnswerFromAddress(), provideMediaEffects(), ...signIn] };
}
