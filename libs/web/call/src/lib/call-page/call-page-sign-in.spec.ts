import { ComponentFixture, TestBed } from '@angular/core/testing';
import { LOG_OUT_HOOKS, LogOutHooks } from '@duet/web/accounts/shell';
import { SignInStep } from '@duet/web/rtc';
import { settle } from '../../testing/settle';
import { stubServices } from '../../testing/stub-services';
import { CallPageComponent } from './call-page.component';

/** The call page before the lobby: what each sign-in step (SIGN_IN_FLOW) shows, and log-out. */
describe(`${CallPageComponent.name} sign-in steps`, () => {
  let stubs: ReturnType<typeof stubServices>;
  let fixture: ComponentFixture<CallPageComponent>;

  const byTestId = (id: string) => fixture.nativeElement.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
  const button = (text: string) =>
    (Array.from(fixture.nativeElement.querySelectorAll('button')) as HTMLButtonElement[]).find(
      (candidate) => candidate.textContent?.trim() === text,
    ) ?? null;
  const stable = () => settle(fixture);
  /** Lets promise callbacks run until `done`. */
  async function waitFor(done: () => boolean): Promise<void> {
    for (let turn = 0; turn < 20 && !done(); turn++) await Promise.resolve();
  }
  /** A log-out step of the accounts library (the push switch's); the test sees when it is run. */
  let forgetPush: jest.Mock<Promise<void>, []>;

  async function openAt(step: SignInStep): Promise<void> {
    stubs = stubServices();
    stubs.signIn.step.set(step);
    forgetPush = jest.fn(async () => undefined);
    const hooks = new LogOutHooks();
    hooks.add(forgetPush);
    await TestBed.configureTestingModule({
      imports: [CallPageComponent],
      providers: [...stubs.providers, { provide: LOG_OUT_HOOKS, useValue: hooks }],
    }).compileComponents();
    fixture = TestBed.createComponent(CallPageComponent);
    await stable();
  }

  afterEach(() => TestBed.resetTestingModule());

  it('name-form: the login form, and no name-less login', async () => {
    await openAt({ kind: 'name-form' });
    expect(byTestId('username-input')).not.toBeNull();
    expect(byTestId('sign-in-button')).toBeNull();
    expect(stubs.signaling.logInAsIdentity).not.toHaveBeenCalled();
  });

  it('identity: no form; logs in at once with no name, and says so while it does', async () => {
    await openAt({ kind: 'identity' });
    expect(stubs.signaling.logInAsIdentity).toHaveBeenCalledTimes(1);
    expect(stubs.signaling.logIn).not.toHaveBeenCalled();
    stubs.signaling.loginState.set('logging-in');
    await stable();
    expect(byTestId('username-input')).toBeNull();
    expect(fixture.nativeElement.querySelector('[role="status"].busy')?.textContent).toContain('Signing you in');
    stubs.logInAs('dana@contoso.com');
    await stable();
    expect(byTestId('current-user')?.textContent).toBe('dana@contoso.com');
  });

  it('identity: a refusal is said in error-message, and Try again logs in with no name again', async () => {
    await openAt({ kind: 'identity' });
    stubs.signaling.loginFailures$.next({ type: 'login', success: false, reason: 'taken', message: 'taken' });
    await stable();
    expect(byTestId('error-message')?.textContent).toContain('online in Duet already');
    expect(byTestId('username-input')).toBeNull();
    button('Try again')?.click();
    expect(stubs.signaling.logInAsIdentity).toHaveBeenCalledTimes(2);
  });

  it('identity, once the sign-in gets there: logs in then', async () => {
    await openAt({ kind: 'company', pending: true });
    expect(stubs.signaling.logInAsIdentity).not.toHaveBeenCalled();
    stubs.signIn.step.set({ kind: 'identity' });
    await stable();
    expect(stubs.signaling.logInAsIdentity).toHaveBeenCalledTimes(1);
  });

  it('company: "Sign in with your company" starts the sign-in, and is disabled while it is pending', async () => {
    await openAt({ kind: 'company', pending: false });
    expect(byTestId('username-input')).toBeNull();
    expect(fixture.nativeElement.querySelector('h2')?.textContent).toBe('Sign in with your company');
    const signIn = byTestId('sign-in-button') as HTMLButtonElement;
    expect(signIn.disabled).toBe(false);
    expect(byTestId('error-message')).toBeNull();
    signIn.click();
    expect(stubs.signIn.startSignIn).toHaveBeenCalledTimes(1);
    stubs.signIn.step.set({ kind: 'company', pending: true });
    await stable();
    expect((byTestId('sign-in-button') as HTMLButtonElement).disabled).toBe(true);
    expect(stubs.signaling.logInAsIdentity).not.toHaveBeenCalled();
  });

  it("company: the last attempt's error in error-message", async () => {
    const error = 'You cancelled the sign-in at your company’s page.';
    await openAt({ kind: 'company', pending: false, error });
    expect(byTestId('error-message')?.textContent?.trim()).toBe(error);
    expect((byTestId('sign-in-button') as HTMLButtonElement).disabled).toBe(false);
  });

  it('no-credentials: its message in error-message, and no form or button', async () => {
    const message = 'Open Duet from your company portal to sign in.';
    await openAt({ kind: 'no-credentials', message });
    expect(byTestId('error-message')?.textContent?.trim()).toBe(message);
    expect(byTestId('username-input')).toBeNull();
    expect(byTestId('sign-in-button')).toBeNull();
    expect(fixture.nativeElement.querySelectorAll('main button')).toHaveLength(0);
    expect(stubs.signaling.logInAsIdentity).not.toHaveBeenCalled();
  });

  it('log-out stops this browser ringing first, closes the socket cleanly, then ends the sign-in', async () => {
    await openAt({ kind: 'identity' });
    stubs.logInAs('dana');
    await stable();
    let forgotten!: () => void;
    forgetPush.mockReturnValue(new Promise<void>((resolve) => (forgotten = resolve)));
    let closed!: () => void;
    stubs.signaling.disconnect.mockReturnValue(new Promise<void>((resolve) => (closed = resolve)));
    byTestId('logout-button')?.click();
    await waitFor(() => forgetPush.mock.calls.length > 0);
    expect(forgetPush).toHaveBeenCalledTimes(1);
    expect(stubs.signaling.disconnect).not.toHaveBeenCalled();
    forgotten();
    await waitFor(() => stubs.signaling.disconnect.mock.calls.length > 0);
    expect(stubs.signaling.disconnect).toHaveBeenCalledTimes(1);
    await Promise.resolve();
    expect(stubs.signIn.signOut).not.toHaveBeenCalled();
    closed();
    await stable();
    expect(stubs.signIn.signOut).toHaveBeenCalledTimes(1);
  });
});
