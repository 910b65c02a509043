import { TestBed } from '@angular/core/testing';
import { ACCESS_TOKEN, AUTH_TOKEN_SOURCE, SIGN_IN_FLOW } from '@duet/web/rtc';
import { OPEN_FROM_PORTAL, PortalSignInFlow } from './portal/portal-sign-in-flow';
import { provideSignIn } from './provide-sign-in';

describe(provideSignIn.name, () => {
  it('adds nothing in open mode: the page keeps its name form', async () => {
    await expect(provideSignIn({ mode: 'none' })).resolves.toEqual([]);
  });

  it('provides the portal flow and its token in jwt mode', async () => {
    TestBed.configureTestingModule({
      providers: [...(await provideSignIn({ mode: 'jwt' })), { provide: ACCESS_TOKEN, useValue: null }],
    });
    const flow = TestBed.inject(SIGN_IN_FLOW);
    expect(flow).toBeInstanceOf(PortalSignInFlow);
    expect(flow.step()).toEqual({ kind: 'no-credentials', message: OPEN_FROM_PORTAL });
    await expect(TestBed.inject(AUTH_TOKEN_SOURCE)()).resolves.toBeNull();
  });
});
