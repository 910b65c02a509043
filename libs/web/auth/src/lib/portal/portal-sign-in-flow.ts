import { Injectable, inject, signal } from '@angular/core';
import { ACCESS_TOKEN, AuthTokenSource, SignInFlow, SignInStep, TAB_STORAGE, forgetAccessToken } from '@duet/web/rtc';

export const OPEN_FROM_PORTAL = 'Open Duet from your company portal to sign in.';
export const SIGNED_OUT_OF_PORTAL = 'You signed out. Open Duet from your company portal to sign in again.';

/**
 * JWT mode: a portal opens Duet with `#access_token=<JWT>`, and that token names the person, so
 * there is no name form. Without a token this page can do nothing but say where to go.
 *
 *   token ──> identity ──signOut()──> no-credentials (signed out)
 *   none  ──> no-credentials (open from the portal)
 */
@Injectable()
export class PortalSignInFlow implements SignInFlow {
  private token = inject(ACCESS_TOKEN);
  private readonly tabStorage = inject(TAB_STORAGE);
  private readonly stepState = signal<SignInStep>(
    this.token === null ? { kind: 'no-credentials', message: OPEN_FROM_PORTAL } : { kind: 'identity' },
  );
  readonly step = this.stepState.asReadonly();

  /** AUTH_TOKEN_SOURCE: the portal's token until the person signs out. */
  readonly tokenSource: AuthTokenSource = () => Promise.resolve(this.token);

  /** The portal signs people in; there is no button for it here. */
  startSignIn(): void {
    return;
  }

  async signOut(): Promise<void> {
    this.token = null;
    // web-rtc keeps the token in the tab's storage for reloads: a reload must not sign back in.
    forgetAccessToken(this.tabStorage);
    this.stepState.set({ kind: 'no-credentials', message: SIGNED_OUT_OF_PORTAL });
  }
}
