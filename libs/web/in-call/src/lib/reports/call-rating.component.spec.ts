import { TestBed } from '@angular/core/testing';
import { stubInCallServices } from '../../testing/in-call-stubs';
import { CallRatingComponent } from './call-rating.component';

describe(CallRatingComponent.name, () => {
  function render() {
    const stubs = stubInCallServices();
    TestBed.configureTestingModule({ providers: stubs.providers });
    const fixture = TestBed.createComponent(CallRatingComponent);
    fixture.detectChanges();
    const element = fixture.nativeElement as HTMLElement;
    return { stubs, fixture, element };
  }

  it('shows nothing until a call has ended with a report key', () => {
    const { element } = render();
    expect(element.querySelector('[data-testid="call-rating"]')).toBeNull();
  });

  it('asks in words, and sends the stars with the problems ticked', () => {
    const { stubs, fixture, element } = render();
    stubs.reports.prompt.set({ callId: 'c1', key: 'k' });
    fixture.detectChanges();
    expect(element.querySelector('[data-testid="call-rating"] h2')?.textContent).toBe('How was the call?');
    expect([...element.querySelectorAll('[data-rating]')].map((star) => star.getAttribute('data-rating'))).toEqual(['1', '2', '3', '4', '5']);
    const echo = [...element.querySelectorAll<HTMLButtonElement>('.tag')].find((tag) => tag.textContent === 'echo');
    echo?.click();
    fixture.detectChanges();
    expect(echo?.getAttribute('aria-pressed')).toBe('true');
    element.querySelector<HTMLButtonElement>('[data-rating="2"]')?.click();
    expect(stubs.reports.rate).toHaveBeenCalledWith(2, ['echo']);
  });

  it('closes without a word to the server when skipped', () => {
    const { stubs, fixture, element } = render();
    stubs.reports.prompt.set({ callId: 'c1', key: 'k' });
    fixture.detectChanges();
    element.querySelector<HTMLButtonElement>('[data-testid="call-rating-skip"]')?.click();
    expect(stubs.reports.skip).toHaveBeenCalled();
    expect(stubs.reports.rate).not.toHaveBeenCalled();
  });
});
