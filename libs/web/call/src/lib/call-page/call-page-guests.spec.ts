import { ComponentFixture, TestBed } from '@angular/core/testing';
import { LOG_OUT_HOOKS, LogOutHooks } from '@duet/web/accounts/shell';
import { SignInStep } from '@duet/web/rtc';
import { settle } from '../../testing/settle';
import { stubServices } from '../../testing/stub-services';
import { CallPageComponent } from './call-page.component';

/** Issue 25: an invite link's page, a guest's lobby, and a member's guests waiting. */
describe(`${CallPageComponent.name} guests`, () => {
  let stubs: ReturnType<typeof stubServices>;
  let fixture: ComponentFixture<CallPageComponent>;

  const page = () => fixture.nativeElement as HTMLElement;
  const byTestId = (id: string) => page().querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
  const allByTestId = (id: string) => Array.from(page().querySelectorAll<HTMLElement>(`[data-testid="${id}"]`));
  const button = (text: string) =>
    Array.from(page().querySelectorAll('button')).find((candidate) => candidate.textContent?.trim() === text) ?? null;
  const stable = () => settle(fixture);
  const GUEST = 'guest:alice:<b>Ann</b>';

  async function openAt(step: SignInStep): Promise<void> {
    stubs = stubServices();
    stubs.signIn.step.set(step);
    await TestBed.configureTestingModule({
      imports: [CallPageComponent],
      providers: [...stubs.providers, { provide: LOG_OUT_HOOKS, useValue: new LogOutHooks() }],
    }).compileComponents();
    fixture = TestBed.createComponent(CallPageComponent);
    await stable();
  }

  async function guestInLobby(): Promise<void> {
    await openAt({ kind: 'identity' });
    stubs.logInAs(GUEST);
    await stable();
  }

  afterEach(() => TestBed.resetTestingModule());

  it('an invite link says who invited, takes a display name (its rule in words) and joins with it', async () => {
    await openAt({ kind: 'guest', inviter: null, pending: false });
    expect(page().textContent).toContain('Checking your invite link');
    expect(byTestId('guest-name-input')).toBeNull();

    stubs.signIn.step.set({ kind: 'guest', inviter: 'alice', pending: false });
    await stable();
    expect(page().querySelector('h2')?.textContent).toContain('alice invited you to a call on Duet');
    expect(page().textContent).toContain('must be 1-40 characters');
    const input = byTestId('guest-name-input') as HTMLInputElement;
    expect(document.activeElement).toBe(input);
    const join = byTestId('guest-join-button') as HTMLButtonElement;
    expect(join.disabled).toBe(true);
    input.value = '<b>Ann</b>';
    input.dispatchEvent(new Event('input'));
    await stable();
    join.click();
    expect(stubs.signIn.join).toHaveBeenCalledWith('<b>Ann</b>');
    expect(stubs.signaling.logInAsIdentity).not.toHaveBeenCalled();
  });

  it('says why an invite cannot be used, in error-message', async () => {
    await openAt({ kind: 'guest', inviter: null, pending: false, error: 'This invite link has expired.' });
    expect(byTestId('error-message')?.textContent).toBe('This invite link has expired.');
    expect(page().querySelector('h2')?.textContent).toContain('This invite link cannot be used');
    expect(byTestId('guest-name-input')).toBeNull();
  });

  it("a guest's lobby: the display name as text with a Guest mark, the inviter's status and one button to call them", async () => {
    await guestInLobby();
    expect(byTestId('current-user')?.textContent).toBe('<b>Ann</b>');
    expect(byTestId('current-user')?.querySelector('b')).toBeNull();
    expect(page().querySelector('.me')?.textContent).toContain('Guest');
    expect(page().textContent).toContain('You are <b>Ann</b>, a guest of alice.');
    expect(page().textContent).toContain('alice is not online right now');
    for (const absent of ['callee-input', 'user-list', 'history-toggle', 'invite-button', 'accounts-unavailable', 'missed-call']) {
      expect(byTestId(absent)).toBeNull();
    }

    stubs.presence.onlineUsers.set(['alice']);
    await stable();
    expect(page().textContent).toContain('alice is online');
    const call = byTestId('call-button') as HTMLButtonElement;
    expect(call.textContent?.trim()).toBe('Call alice');
    call.click();
    expect(stubs.peer.call).toHaveBeenCalledWith('alice');
  });

  it('a revoked invite (4403) ends the guest session in words, with no Try again, and the tab forgets it', async () => {
    await guestInLobby();
    stubs.connectionDown('refused', { kind: 'access-revoked' });
    await stable();
    expect(byTestId('error-message')?.textContent).toBe('alice revoked your invite; this guest session has ended.');
    expect(button('Try again')).toBeNull();
    // The tab forgets the guest session: a reload does not try the revoked token again.
    expect(stubs.signIn.signOut).toHaveBeenCalledTimes(1);
  });

  it("a guest's refused reconnect (the invite expired) says so", async () => {
    await guestInLobby();
    stubs.connectionDown('refused', { kind: 'sign-in-required' });
    await stable();
    expect(byTestId('error-message')?.textContent).toBe('Your invite has expired, so this guest session has ended.');
  });

  it("a member sees their guests waiting, calls one by the guest's name, and the card goes when the guest leaves", async () => {
    await openAt({ kind: 'identity' });
    stubs.logInAs('alice');
    stubs.guests.guests.set([GUEST]);
    await stable();
    const [waiting] = allByTestId('guest-waiting');
    expect(waiting.textContent).toContain('<b>Ann</b> (guest) is waiting');
    expect(waiting.querySelector('b')).toBeNull();
    (Array.from(waiting.querySelectorAll('button')).find((b) => b.textContent?.trim() === 'Call <b>Ann</b>') as HTMLButtonElement).click();
    expect(stubs.peer.call).toHaveBeenCalledWith(GUEST);

    stubs.guests.guests.set([]);
    await stable();
    expect(allByTestId('guest-waiting')).toEqual([]);
  });

  it("a guest's call rings and shows by the display name, never the wire name, in the prompt and the status", async () => {
    await openAt({ kind: 'identity' });
    stubs.logInAs('alice');
    stubs.callIn('ringing', GUEST);
    await stable();
    expect(byTestId('incoming-call')?.textContent).toContain('<b>Ann</b> (guest) is calling you');
    expect(byTestId('call-status')?.textContent).toContain('<b>Ann</b> (guest)');
    expect(page().textContent).not.toContain('guest:alice');
    stubs.peer.notices$.next({ code: 'hung-up', peer: GUEST });
    await stable();
    expect(byTestId('error-message')?.textContent).toBe('<b>Ann</b> (guest) hung up.');
  });
});
