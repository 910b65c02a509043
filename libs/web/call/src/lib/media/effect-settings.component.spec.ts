import { TestBed } from '@angular/core/testing';
import { stubServices } from '../../testing/stub-services';
import { EffectSettingsComponent } from './effect-settings.component';

function render(support = { noiseSuppression: true, background: true }) {
  const stubs = stubServices();
  stubs.media.effectSupport = support;
  TestBed.configureTestingModule({ providers: stubs.providers });
  const fixture = TestBed.createComponent(EffectSettingsComponent);
  fixture.detectChanges();
  const element = fixture.nativeElement as HTMLElement;
  return { stubs, fixture, element };
}

describe('the effect settings', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('toggles noise suppression and shows whether it is on', async () => {
    const { stubs, fixture, element } = render();
    const toggle = element.querySelector<HTMLButtonElement>('[data-testid="noise-suppression-toggle"]');
    expect(toggle?.getAttribute('aria-pressed')).toBe('true');
    toggle?.click();
    expect(stubs.media.setEffects).toHaveBeenCalledWith({ noiseSuppression: false });
    stubs.media.effectChoices.set({ noiseSuppression: false, background: 'none' });
    await fixture.whenStable();
    expect(toggle?.getAttribute('aria-pressed')).toBe('false');
  });

  it('offers none, blur and image, and chooses one', () => {
    const { stubs, element } = render();
    const select = element.querySelector<HTMLSelectElement>('[data-testid="background-select"]');
    expect([...(select?.options ?? [])].map((option) => option.value)).toEqual(['none', 'blur', 'image']);
    if (select) select.value = 'blur';
    select?.dispatchEvent(new Event('change'));
    expect(stubs.media.setEffects).toHaveBeenCalledWith({ background: 'blur' });
  });

  it('offers nothing this browser cannot run', () => {
    const { element } = render({ noiseSuppression: false, background: false });
    expect(element.querySelector('[data-testid="noise-suppression-toggle"]')).toBeNull();
    expect(element.querySelector('[data-testid="background-select"]')).toBeNull();
  });
});
