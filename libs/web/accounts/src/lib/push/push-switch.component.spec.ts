import { ComponentFixture, TestBed } from '@angular/core/testing';
import { accountsProviders, fakeApi, fakePushBrowser, mapStorage, settle } from '../../testing/fakes';
import { PUSH_BROWSER } from './push-browser';
import { PushSwitchComponent } from './push-switch.component';

describe(PushSwitchComponent.name, () => {
  let fixture: ComponentFixture<PushSwitchComponent>;
  const toggle = () => fixture.nativeElement.querySelector('[data-testid="push-toggle"]') as HTMLButtonElement;
  const status = () => (fixture.nativeElement.querySelector('[data-testid="push-status"]') as HTMLElement).textContent?.trim();
  /** Renders, lets the services' promises settle, and renders what they changed. */
  const stable = async () => {
    for (let round = 0; round < 3; round++) {
      await fixture.whenStable();
      await settle();
    }
  };

  async function render(push = fakePushBrowser(), api = fakeApi()): Promise<void> {
    TestBed.configureTestingModule({
      imports: [PushSwitchComponent],
      providers: [...accountsProviders(api, mapStorage()), { provide: PUSH_BROWSER, useValue: push.browser }],
    });
    fixture = TestBed.createComponent(PushSwitchComponent);
    fixture.componentRef.setInput('user', 'bob');
    await stable();
  }

  it('is a labelled switch that says what it does, off at first', async () => {
    await render();
    expect(toggle().getAttribute('role')).toBe('switch');
    expect(toggle().textContent?.trim()).toBe('Ring this browser when Duet is closed');
    expect(toggle().getAttribute('aria-checked')).toBe('false');
    expect(status()).toBe('Off: calls reach you only while Duet is open.');
  });

  it('turns on and off with a press, saying so', async () => {
    await render();
    toggle().click();
    await stable();
    expect(toggle().getAttribute('aria-checked')).toBe('true');
    expect(status()).toBe('On: calls ring this browser even when Duet is closed.');
    toggle().click();
    await stable();
    expect(toggle().getAttribute('aria-checked')).toBe('false');
  });

  it('says in words that the push service could not be reached, and can be pressed again', async () => {
    const push = fakePushBrowser();
    push.pushManager.subscribe.mockRejectedValueOnce(new DOMException('Registration failed - push service error', 'AbortError'));
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    await render(push);
    toggle().click();
    await stable();
    expect(status()).toContain('push service could not be reached');
    expect(toggle().disabled).toBe(false);
    jest.restoreAllMocks();
  });

  it('is disabled, with the reason, in a browser without Web Push', async () => {
    const push = fakePushBrowser();
    (push.browser as { supported: boolean }).supported = false;
    await render(push);
    expect(toggle().disabled).toBe(true);
    expect(status()).toContain('cannot ring Duet while it is closed');
  });
});
