import { bootstrapApplication } from '@angular/platform-browser';
import { loadAuthSettings, provideSignIn } from '@duet/web/auth';
import { AppComponent } from './app/app.component';
import { appConfig } from './app/app.config';

// The server says how people sign in (/auth/settings), so the build carries no sign-in configuration.
// Company sign-in settles (callback, stored session) before the page is built.
async function start(): Promise<void> {
  const signIn = await provideSignIn(await loadAuthSettings());
  await bootstrapApplication(AppComponent, appConfig(signIn));
}

start().catch((error) => console.error(error));
