import { TestBed } from '@angular/core/testing';
import { SECURE_CONTEXT, WEBRTC_AVAILABLE } from '@duet/web/rtc';
import { SecureContextBannerComponent } from './secure-context-banner.component';

describe(SecureContextBannerComponent.name, () => {
  function render(secure: boolean, webrtc = true): HTMLElement {
    TestBed.configureTestingModule({
      providers: [
        { provide: SECURE_CONTEXT, useValue: secure },
        { provide: WEBRTC_AVAILABLE, useValue: webrtc },
      ],
    });
    const fixture = TestBed.createComponent(SecureContextBannerComponent);
    fixture.detectChanges();
    return fixture.nativeElement;
  }

  afterEach(() => TestBed.resetTestingModule());

  it('says what works, what does not and how to fix it on an insecure page', () => {
    const text = render(false).querySelector('[data-testid="insecure-context"]')?.textContent ?? '';
    expect(text).toContain('not a secure context');
    expect(text).toMatch(/no camera, microphone or screen sharing/);
    expect(text).toMatch(/chat, files and the verification code still work/);
    expect(text).toContain('npm run start:lan');
    expect(text).toContain('http://localhost');
  });

  it('shows nothing on a secure page', () => {
    const page = render(true);
    expect(page.querySelector('[data-testid="insecure-context"]')).toBeNull();
    expect(page.querySelector('[data-testid="no-webrtc"]')).toBeNull();
  });

  it('says a browser without WebRTC cannot make calls, and which browsers can (that says it all, secure or not)', () => {
    const page = render(false, false);
    const text = page.querySelector('[data-testid="no-webrtc"]')?.textContent ?? '';
    expect(text).toContain('cannot make or take video calls');
    expect(text).toMatch(/Chrome, Edge, Firefox or Safari/);
    expect(page.querySelector('[data-testid="insecure-context"]')).toBeNull();
  });
});
