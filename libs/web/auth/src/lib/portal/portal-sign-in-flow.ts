import { Injectable, inject, signal } from '@angular/core';
import { ACCESS_TOKEN, AuthTokenSource, SignInFlow, SignInStep } from '@duet/web/rtc';

export const OPEN_FROM_PORTAL = 'Open Duet from your company portal to sign in.';
export const SIGNED_OUT_OF_PORTAL = 'You signed out. Open Duet from your company portal to sign in again.';

/** Where web-rtc keeps the portal's token for the tab's life (read back on reload). */
const TAB_TOKEN_KEY = 'duet.access_token';

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
    forgetTabAccessToken();
    this.stepState.set({ kind: 'no-credentials', message: SIGNED_OUT_OF_PORTAL });
  }
}

/**
 * Stand-in until web-rtc exports its own "forget the tab's token" (issue 23, the call page's
 * branch): a reload after log-out must not sign the person back in from the tab's storage.
 */
function forgetTabAccessToken(): void {
  try {
    sessionStorage.removeItem(TAB_TOKEN_KEY);
  } catch {
    // Storage blocked (privacy settings): then nothing was kept either.
  }
}
