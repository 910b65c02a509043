import { DestroyRef, EnvironmentProviders, Provider, inject, provideEnvironmentInitializer, signal } from '@angular/core';
import { ANSWER_QUERY_PARAM, AuthSettings, OIDC_CALLBACK_PATH } from '@duet/shared/protocol';
import { AUTH_TOKEN_RENEWALS, AUTH_TOKEN_SOURCE, SIGN_IN_FLOW, SignInStep, provideAuthToken } from '@duet/web/rtc';
import { Subject } from 'rxjs';
import { PortalSignInFlow } from './portal/portal-sign-in-flow';

export type SignInProviders = Array<Provider | EnvironmentProviders>;

/**
 * The providers for the server's sign-in mode, for `bootstrapApplication`. Async because company
 * sign-in settles before the page exists: the code exchange at the callback, or the stored
 * session (renewed if it expired), so the first step the page shows is the right one.
 *
 * - none: nothing (web-rtc's default: the name form).
 * - jwt: the portal flow (the token names the person; log-out forgets it).
 * - oidc: the OpenID Connect flow, a lazy chunk with oidc-client-ts, downloaded in this mode only.
 */
export async function provideSignIn(settings: AuthSettings, page: Window = window): Promise<SignInProviders> {
  switch (settings.mode) {
    case 'none':
      return [];
    case 'jwt':
      return [
        PortalSignInFlow,
        { provide: SIGN_IN_FLOW, useExisting: PortalSignInFlow },
        { provide: AUTH_TOKEN_SOURCE, useFactory: () => inject(PortalSignInFlow).tokenSource },
      ];
    case 'oidc':
      return provideOidcSignIn(settings, page);
  }
}

/**
 * An invite link's page (`/join/<token>`, or a tab that joined as a guest): the guest flow, a lazy
 * chunk, instead of the server mode's. main.ts asks `isGuestPage` first.
 */
export async function provideGuestSignIn(page: Window = window): Promise<SignInProviders> {
  const { GuestSignInFlow } = await import('./guest/guest-sign-in-flow');
  const flow = new GuestSignInFlow({
    location: page.location,
    history: page.history,
    storage: tabStorageOf(page),
    fetch: (input, init) => page.fetch(input, init),
    now: () => Date.now(),
  });
  return [{ provide: SIGN_IN_FLOW, useValue: flow }, provideAuthToken(flow.tokenSource)];
}

/** The tab's sessionStorage, or null where the browser blocks it (reading it throws). */
export function tabStorageOf(page: Window): Storage | null {
  try {
    return page.sessionStorage;
  } catch {
    return null;
  }
}

async function provideOidcSignIn(settings: Extract<AuthSettings, { mode: 'oidc' }>, page: Window): Promise<SignInProviders> {
  const { startOidcSignIn } = await import('./oidc/start-oidc-sign-in');
  const { origin } = page.location;
  // The signal and subject are made here so the lazy chunk imports nothing the initial bundle has.
  const state = { step: signal<SignInStep>({ kind: 'company', pending: true }), renewals: new Subject<string>() };
  const flow = await startOidcSignIn(
    {
      issuer: settings.issuer,
      clientId: settings.clientId,
      scopes: settings.scopes,
      redirectUri: origin + OIDC_CALLBACK_PATH,
      postLogoutRedirectUri: origin + '/',
      callbackPath: OIDC_CALLBACK_PATH,
      // Opened from a call notification's Answer (`/?answer=`): sign in at once, the call is ringing.
      signInAtOnce: new URL(page.location.href).searchParams.has(ANSWER_QUERY_PARAM),
    },
    page,
    state,
  );
  return [
    { provide: SIGN_IN_FLOW, useValue: flow },
    provideAuthToken(() => flow.freshIdToken()),
    { provide: AUTH_TOKEN_RENEWALS, useValue: flow.renewals },
    provideEnvironmentInitializer(() => inject(DestroyRef).onDestroy(() => flow.dispose())),
  ];
}
