import { TestBed } from '@angular/core/testing';
import { SECURE_CONTEXT } from '@duet/web/rtc';
import { SecureContextBannerComponent } from './secure-context-banner.component';

describe(SecureContextBannerComponent.name, () => {
  function render(secure: boolean): HTMLElement {
    TestBed.configureTestingModule({ providers: [{ provide: SECURE_CONTEXT, useValue: secure }] });
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
    expect(render(true).querySelector('[data-testid="insecure-context"]')).toBeNull();
  });
});
