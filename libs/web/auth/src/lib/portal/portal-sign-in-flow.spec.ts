import { TestBed } from '@angular/core/testing';
import { ACCESS_TOKEN } from '@duet/web/rtc';
import { OPEN_FROM_PORTAL, PortalSignInFlow, SIGNED_OUT_OF_PORTAL } from './portal-sign-in-flow';

function flowWith(token: string | null): PortalSignInFlow {
  TestBed.configureTestingModule({ providers: [PortalSignInFlow, { provide: ACCESS_TOKEN, useValue: token }] });
  return TestBed.inject(PortalSignInFlow);
}

describe(PortalSignInFlow.name, () => {
  afterEach(() => sessionStorage.clear());

  it('signs in as the token names the person when the tab has a token', async () => {
    const flow = flowWith('portal.jwt.token');
    expect(flow.step()).toEqual({ kind: 'identity' });
    await expect(flow.tokenSource()).resolves.toBe('portal.jwt.token');
  });

  it('sends the person to the portal when the tab has no token', async () => {
    const flow = flowWith(null);
    expect(flow.step()).toEqual({ kind: 'no-credentials', message: OPEN_FROM_PORTAL });
    await expect(flow.tokenSource()).resolves.toBeNull();
  });

  it('forgets the tab token on sign-out, so a reload does not sign the person back in', async () => {
    sessionStorage.setItem('duet.access_token', 'portal.jwt.token');
    const flow = flowWith('portal.jwt.token');
    await flow.signOut();
    expect(flow.step()).toEqual({ kind: 'no-credentials', message: SIGNED_OUT_OF_PORTAL });
    expect(sessionStorage.getItem('duet.access_token')).toBeNull();
    await expect(flow.tokenSource()).resolves.toBeNull();
  });
});
