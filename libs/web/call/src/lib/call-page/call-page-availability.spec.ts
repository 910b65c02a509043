import { ComponentFixture, TestBed } from '@angular/core/testing';
import { settle } from '../../testing/settle';
import { stubServices } from '../../testing/stub-services';
import { CALL_LINK } from '../call-link';
import { CallPageComponent } from './call-page.component';

describe(`${CallPageComponent.name}: availability and call links`, () => {
  let stubs: ReturnType<typeof stubServices>;
  let fixture: ComponentFixture<CallPageComponent>;
  const byTestId = (id: string) => fixture.nativeElement.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
  const allByTestId = (id: string) => Array.from(fixture.nativeElement.querySelectorAll(`[data-testid="${id}"]`)) as HTMLElement[];

  async function start(callLinkCallee: string | null = null, username = 'alice'): Promise<void> {
    stubs = stubServices();
    const link = callLinkCallee === null ? null : { take: jest.fn(() => callLinkCallee) };
    await TestBed.configureTestingModule({ imports: [CallPageComponent], providers: [...stubs.providers, { provide: CALL_LINK, useValue: link }] }).compileComponents();
    fixture = TestBed.createComponent(CallPageComponent);
    stubs.logInAs(username);
    stubs.presence.onlineUsers.set(['bob', 'carol']);
    await settle(fixture);
  }

  it('offers a member the availability chooser, and reminds them while on do not disturb', async () => {
    await start();
    const select = byTestId('availability-select') as HTMLSelectElement;
    expect(Array.from(select.options).map((option) => [option.value, option.textContent])).toEqual([
      ['available', 'Available'],
      ['busy', 'Busy'],
      ['dnd', 'Do not disturb'],
    ]);
    expect(byTestId('dnd-hint')).toBeNull();
    select.value = 'dnd';
    select.dispatchEvent(new Event('change'));
    await settle(fixture);
    expect(stubs.availability.choose).toHaveBeenCalledWith('dnd');
    expect(byTestId('dnd-hint')?.textContent).toBe('Do not disturb: calls are declined');
  });

  it('offers a guest no chooser', async () => {
    await start(null, 'guest:alice:Gina');
    expect(byTestId('availability-select')).toBeNull();
  });

  it('shows busy and do not disturb beside names, apart from being in a call', async () => {
    await start();
    stubs.presence.availability.set(new Map([['bob', 'dnd'], ['carol', 'busy']]));
    stubs.presence.busy.set(new Set(['carol']));
    await settle(fixture);
    expect(allByTestId('user-availability').map((badge) => badge.textContent)).toEqual(['Do not disturb', 'Busy']);
    expect(allByTestId('user-busy').map((badge) => badge.textContent)).toEqual(['In a call']);
    expect(allByTestId('user-item').map((item) => item.textContent)).toEqual(['bob', 'carol']);
  });

  it('says in call-status that the callee does not want to be disturbed when the server declined for them', async () => {
    await start();
    stubs.callIn('calling', 'bob');
    stubs.peer.notices$.next({ code: 'dnd', peer: 'bob' });
    stubs.callIn('ended', 'bob');
    await settle(fixture);
    expect(byTestId('call-status')?.getAttribute('data-state')).toBe('ended');
    expect(byTestId('call-status')?.textContent).toBe('bob does not want to be disturbed right now');
    // The next call starts afresh.
    stubs.callIn('calling', 'carol');
    await settle(fixture);
    expect(byTestId('call-status')?.textContent).toBe('Calling carol…');
  });

  it('fills the callee input with the call link’s name once logged in', async () => {
    await start('bob');
    expect((byTestId('callee-input') as HTMLInputElement).value).toBe('bob');
  });
});
