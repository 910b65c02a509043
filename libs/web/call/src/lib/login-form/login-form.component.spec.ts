import { Component, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { INVALID_NAME, NAME_HINT } from '../words';
import { LoginFormComponent, LoginProblem } from './login-form.component';

@Component({
  imports: [LoginFormComponent],
  template: `<duet-login-form [initialName]="initialName" [problem]="problem()" (login)="tried.push($event)" />`,
})
class HostComponent {
  initialName = '';
  readonly problem = signal<LoginProblem | null>(null);
  readonly tried: string[] = [];
}

describe(LoginFormComponent.name, () => {
  function render(initialName = '') {
    const fixture = TestBed.createComponent(HostComponent);
    fixture.componentInstance.initialName = initialName;
    fixture.detectChanges();
    const element: HTMLElement = fixture.nativeElement;
    const input = element.querySelector<HTMLInputElement>('[data-testid="username-input"]');
    if (!input) throw new Error('no name field');
    const described = () =>
      (input.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .map((id) => element.querySelector(`#${id}`)?.textContent?.trim());
    const type = (text: string) => {
      input.value = text;
      input.dispatchEvent(new Event('input'));
      fixture.detectChanges();
    };
    const submit = () => {
      element.querySelector<HTMLButtonElement>('[data-testid="login-button"]')?.click();
      fixture.detectChanges();
    };
    return { fixture, host: fixture.componentInstance, element, input, described, type, submit };
  }

  it('describes the field with the naming rule, and marks nothing invalid before a refusal', () => {
    const { input, described, element } = render();
    expect(input.hasAttribute('aria-invalid')).toBe(false);
    expect(described()).toEqual([NAME_HINT]);
    expect(element.querySelector('[data-testid="error-message"]')).toBeNull();
  });

  it('marks the field invalid and describes it with the error, until the name is changed', () => {
    const { fixture, host, input, described, element, type, submit } = render();
    type('bad name!');
    submit();
    expect(host.tried).toEqual(['bad name!']);
    host.problem.set({ text: INVALID_NAME, blamesName: true });
    fixture.detectChanges();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(described()).toEqual([INVALID_NAME, NAME_HINT]);
    expect(element.querySelector('[data-testid="error-message"]')?.getAttribute('role')).toBe('alert');
    type('good.name');
    expect(input.hasAttribute('aria-invalid')).toBe(false);
  });

  it('does not blame the name for the server’s own trouble, but still says it beside the field', () => {
    const { fixture, host, input, described } = render('alice');
    host.problem.set({ text: 'The server cannot reach its directory of users just now: try again in a moment.', blamesName: false });
    fixture.detectChanges();
    expect(input.value).toBe('alice');
    expect(input.hasAttribute('aria-invalid')).toBe(false);
    expect(described()[0]).toContain('try again in a moment');
  });

  it('blames a remembered name refused on start (it was tried without a click)', () => {
    const { fixture, host, input } = render('alice');
    host.problem.set({ text: 'taken', blamesName: true });
    fixture.detectChanges();
    expect(input.getAttribute('aria-invalid')).toBe('true');
  });
});
