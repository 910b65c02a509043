import { ComponentFixture, TestBed } from '@angular/core/testing';
import { CallState } from '@duet/web/rtc';
import { stubServices } from '../../testing/stub-services';
import { CallPageComponent } from './call-page.component';

describe(CallPageComponent.name, () => {
  let stubs: ReturnType<typeof stubServices>;
  let fixture: ComponentFixture<CallPageComponent>;

  const byTestId = (id: string) => fixture.nativeElement.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
  const allByTestId = (id: string) =>
    Array.from(fixture.nativeElement.querySelectorAll(`[data-testid="${id}"]`)) as HTMLElement[];
  const stable = () => fixture.whenStable();

  async function loggedIn(state: CallState = 'idle', remoteUser: string | null = null): Promise<void> {
    stubs.logInAs('alice');
    stubs.signaling.messages$.next({ type: 'users', users: ['alice', 'bob', 'carol'], total: 3, truncated: false });
    stubs.peer.callState.set(state);
    stubs.peer.remoteUser.set(remoteUser);
    await stable();
  }

  beforeEach(async () => {
    stubs = stubServices();
    // jsdom has no media playback; the directive's play() must not crash the tests.
    jest.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(() => Promise.resolve());
    await TestBed.configureTestingModule({ imports: [CallPageComponent], providers: stubs.providers }).compileComponents();
    fixture = TestBed.createComponent(CallPageComponent);
    await stable();
  });

  afterEach(() => jest.restoreAllMocks());

  it('connects at once and offers only the login form before login', () => {
    expect(stubs.signaling.connect).toHaveBeenCalled();
    expect(byTestId('username-input')).not.toBeNull();
    expect(byTestId('call-status')).toBeNull();
    expect(byTestId('user-list')).toBeNull();
  });

  it('logs in with the typed name', async () => {
    const input = byTestId('username-input') as HTMLInputElement;
    input.value = 'alice';
    input.dispatchEvent(new Event('input'));
    await stable();
    (byTestId('login-button') as HTMLButtonElement).click();
    expect(stubs.signaling.logIn).toHaveBeenCalledWith('alice');
  });

  it('shows me, the exact call state, and the others as one item each whose text is the name', async () => {
    await loggedIn();
    expect(byTestId('current-user')?.textContent).toBe('alice');
    expect(byTestId('call-status')?.textContent).toBe('idle');
    expect(allByTestId('user-item').map((item) => item.textContent)).toEqual(['bob', 'carol']);
    expect(allByTestId('user-item')[0].getAttribute('aria-label')).toBe('Call bob');
  });

  it('calls a user clicked in the list, or a name typed in the call box', async () => {
    await loggedIn();
    allByTestId('user-item')[1].click();
    expect(stubs.peer.call).toHaveBeenCalledWith('carol');

    const input = byTestId('callee-input') as HTMLInputElement;
    input.value = 'dave';
    input.dispatchEvent(new Event('input'));
    await stable();
    (byTestId('call-button') as HTMLButtonElement).click();
    expect(stubs.peer.call).toHaveBeenLastCalledWith('dave');
  });

  it('prompts on an incoming call and accepts or declines it', async () => {
    await loggedIn('ringing', 'bob');
    expect(byTestId('incoming-call')?.textContent).toContain('bob is calling you');
    expect(byTestId('call-status')?.textContent).toBe('ringing');
    (byTestId('accept-button') as HTMLButtonElement).click();
    expect(stubs.peer.accept).toHaveBeenCalled();
    (byTestId('decline-button') as HTMLButtonElement).click();
    expect(stubs.peer.decline).toHaveBeenCalled();
  });

  it('shows both videos in a call, the local one muted, and hangs up', async () => {
    await loggedIn('connected', 'bob');
    const local = byTestId('local-video') as HTMLVideoElement;
    const remote = byTestId('remote-video') as HTMLVideoElement;
    expect(local.muted).toBe(true);
    expect(local.hasAttribute('autoplay') && local.hasAttribute('playsinline')).toBe(true);
    expect(remote.muted).toBe(false);
    expect(byTestId('incoming-call')).toBeNull();
    expect((allByTestId('user-item')[0] as HTMLButtonElement).disabled).toBe(true);
    (byTestId('hangup-button') as HTMLButtonElement).click();
    expect(stubs.peer.hangUp).toHaveBeenCalled();
  });

  it('hands the remote stream to the remote video', async () => {
    await loggedIn('connected', 'bob');
    const stream = { id: 'remote' } as unknown as MediaStream;
    stubs.peer.remoteStream.set(stream);
    await stable();
    expect((byTestId('remote-video') as HTMLVideoElement).srcObject).toBe(stream);
  });

  it('shows a notice in words and lets me dismiss it', async () => {
    await loggedIn();
    stubs.peer.notices$.next({ code: 'declined', message: 'bob declined the call.' });
    await stable();
    expect(byTestId('error-message')?.textContent).toBe('bob declined the call.');
    (fixture.nativeElement.querySelector('button[aria-label="Dismiss message"]') as HTMLButtonElement).click();
    await stable();
    expect(byTestId('error-message')).toBeNull();
  });

  it('labels every control for assistive technology', async () => {
    await loggedIn('connected', 'bob');
    const controls = Array.from(fixture.nativeElement.querySelectorAll('button, input')) as HTMLElement[];
    expect(controls.length).toBeGreaterThan(3);
    for (const control of controls) expect(control.getAttribute('aria-label')).toBeTruthy();
  });
});
