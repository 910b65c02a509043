import type { SignInStep } from '@duet/web/rtc';
import type { WritableSignal } from '@angular/core';
import type { Subject } from 'rxjs';
import { OidcClientSettings, createOidcClient } from './oidc-client-ts-adapter';
import { OidcSignInFlow } from './oidc-sign-in-flow';

/**
 * The lazy oidc chunk's entry (provideSignIn imports it dynamically): this file, the flow and
 * oidc-client-ts are downloaded in oidc mode only. Settles once the flow knows its first step.
 */
export async function startOidcSignIn(
  settings: OidcClientSettings & { readonly callbackPath: string; readonly signInAtOnce: boolean },
  page: Window,
  state: { step: WritableSignal<SignInStep>; renewals: Subject<string> },
): Promise<OidcSignInFlow> {
  const here = () => page.location.pathname + page.location.search;
  const flow = new OidcSignInFlow(createOidcClient(settings), settings.callbackPath, state, here);
  await flow.start(new URL(page.location.href), (path) => page.history.replaceState(null, '', path), settings.signInAtOnce);
  return flow;
}
