import { TestBed } from '@angular/core/testing';
import { CallClosedError } from '@duet/web/rtc';
import { stubServices } from '../testing/stub-services';
import { CallFacade, OUTAGE_NOTICE_DELAY_MS, REMEMBERED_NAME_KEY, TAB_NAME_KEY } from './call-facade.service';
import { LOGIN_RETRY_FIRST_MS, LOGIN_RETRY_MAX_MS } from './login-retry';
import { INVALID_NAME, NO_WEBRTC } from './words';

describe(CallFacade.name, () => {
  let stubs: ReturnType<typeof stubServices>;
  let facade: CallFacade;

  function setUp(saved: Record<string, string> = {}, savedInTab: Record<string, string> = {}, webrtc = true) {
    stubs = stubServices(saved, savedInTab, webrtc);
    TestBed.configureTestingModule({ providers: stubs.providers });
    facade = TestBed.inject(CallFacade);
  }

  afterEach(() => TestBed.resetTestingModule());

  it('in a browser without WebRTC, logs in neither by itself nor on the click, and says why', () => {
    setUp({}, { [TAB_NAME_KEY]: 'alice' }, false);
    facade.start();
    facade.logIn('alice');
    expect(stubs.signaling.logIn).not.toHaveBeenCalled();
    expect(facade.loginProblem()).toEqual({ text: NO_WEBRTC, blamesName: false });
  });

  it('refuses an invalid name without asking the server, and says why in the login form', () => {
    setUp();
    facade.logIn('not valid!');
    expect(stubs.signaling.logIn).not.toHaveBeenCalled();
    expect(facade.loginProblem()).toEqual({ text: INVALID_NAME, blamesName: true });
    expect(facade.notice()).toBeNull();
  });

  it('logs in with the trimmed name and reports a taken name in words, in the login form', () => {
    setUp();
    facade.logIn('  alice ');
    expect(stubs.signaling.logIn).toHaveBeenCalledWith('alice');
    stubs.signaling.loginFailures$.next({ type: 'login', success: false, reason: 'taken', message: 'taken' });
    expect(facade.loginProblem()).toEqual({ text: expect.stringContaining('That name is taken'), blamesName: true });
    stubs.logInAs('alice2');
    expect(facade.loginProblem()).toBeNull();
  });

  it('says an unreachable directory is the server’s trouble, not the name’s (Redis down is not "Invalid name"), and tries again by itself', () => {
    jest.useFakeTimers();
    try {
      setUp();
      facade.logIn('alice');
      const message = 'the server cannot reach its directory of users just now; try again in a moment';
      const unavailable = () =>
        stubs.signaling.loginFailures$.next({ type: 'login', success: false, reason: 'unavailable', message });
      unavailable();
      expect(facade.loginProblem()).toEqual({ text: expect.stringContaining('trying again by itself'), blamesName: false });
      expect(facade.loginProblem()?.text).not.toContain('Invalid');
      expect(stubs.signaling.logIn).toHaveBeenCalledTimes(1);
      jest.advanceTimersByTime(LOGIN_RETRY_FIRST_MS * 1.25);
      expect(stubs.signaling.logIn).toHaveBeenCalledTimes(2);
      expect(stubs.signaling.logIn).toHaveBeenLastCalledWith('alice');
      // Backs off: the second wait is longer than the first could be.
      unavailable();
      jest.advanceTimersByTime(LOGIN_RETRY_FIRST_MS * 1.25);
      expect(stubs.signaling.logIn).toHaveBeenCalledTimes(2);
      jest.advanceTimersByTime(LOGIN_RETRY_FIRST_MS * 2 * 1.25);
      expect(stubs.signaling.logIn).toHaveBeenCalledTimes(3);
      stubs.logInAs('alice');
      expect(facade.loginProblem()).toBeNull();
      // Logged out while one is scheduled: nothing more is tried.
      unavailable();
      facade.logOut();
      jest.advanceTimersByTime(LOGIN_RETRY_MAX_MS * 2);
      expect(stubs.signaling.logIn).toHaveBeenCalledTimes(3);
    } finally {
      jest.useRealTimers();
    }
  });

  it('logs in with no name as the credentials say, and retries that by itself while the directory is down', () => {
    jest.useFakeTimers();
    try {
      setUp();
      stubs.signIn.step.set({ kind: 'identity' });
      facade.logInAsIdentity(true);
      expect(stubs.signaling.logInAsIdentity).toHaveBeenCalledTimes(1);
      const message = 'the server cannot reach its directory of users just now';
      stubs.signaling.loginFailures$.next({ type: 'login', success: false, reason: 'unavailable', message });
      expect(facade.loginProblem()).toEqual({ text: expect.stringContaining('trying again by itself'), blamesName: false });
      jest.advanceTimersByTime(LOGIN_RETRY_FIRST_MS * 1.25);
      expect(stubs.signaling.logInAsIdentity).toHaveBeenCalledTimes(2);
      expect(stubs.signaling.logIn).not.toHaveBeenCalled();
      stubs.logInAs('dana@contoso.com');
      expect(facade.loginProblem()).toBeNull();
      // Logged in already: asking again sends nothing.
      stubs.signaling.loginState.set('logged-in');
      facade.logInAsIdentity();
      expect(stubs.signaling.logInAsIdentity).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('at a sign-in step, does not log in by itself with a name this tab used before', () => {
    setUp({}, { [TAB_NAME_KEY]: 'alice' });
    stubs.signIn.step.set({ kind: 'company', pending: false });
    facade.start();
    expect(stubs.signaling.logIn).not.toHaveBeenCalled();
  });

  it('gives way to a connection problem, so only one thing is said at a time', () => {
    setUp();
    facade.logIn('not valid!');
    stubs.connectionDown('refused', { kind: 'sign-in-required' });
    expect(facade.loginProblem()).toBeNull();
    expect(facade.notice()).toContain('sign in again');
  });

  it('remembers the name per tab: logs in by itself after a reload of this tab, and only offers it in another tab', () => {
    setUp();
    stubs.logInAs('alice');
    expect(stubs.storage.get(REMEMBERED_NAME_KEY)).toBe('alice');
    expect(stubs.tabStorage.get(TAB_NAME_KEY)).toBe('alice');
    TestBed.resetTestingModule();

    // A reload of the same tab: its sessionStorage survives.
    setUp({ [REMEMBERED_NAME_KEY]: 'alice' }, { [TAB_NAME_KEY]: 'alice' });
    facade.start();
    expect(stubs.signaling.logIn).toHaveBeenCalledWith('alice');
    facade.logOut();
    expect(stubs.storage.has(REMEMBERED_NAME_KEY)).toBe(false);
    expect(stubs.tabStorage.has(TAB_NAME_KEY)).toBe(false);
    expect(stubs.signaling.disconnect).toHaveBeenCalled();
    TestBed.resetTestingModule();

    // A second tab: the first one is likely using the name, so it is offered, not used.
    setUp({ [REMEMBERED_NAME_KEY]: 'alice' });
    facade.start();
    expect(stubs.signaling.logIn).not.toHaveBeenCalled();
    expect(facade.rememberedName).toBe('alice');
  });

  it('says "in use, perhaps in another tab" when this tab’s own name is taken on start (a duplicated tab)', () => {
    setUp({}, { [TAB_NAME_KEY]: 'alice' });
    facade.start();
    stubs.signaling.loginFailures$.next({ type: 'login', success: false, reason: 'taken', message: 'alice is taken' });
    expect(facade.loginProblem()?.text).toContain('another tab');
    // Typed by the person, the same refusal is the plain one.
    facade.logIn('bob');
    stubs.signaling.loginFailures$.next({ type: 'login', success: false, reason: 'taken', message: 'bob is taken' });
    expect(facade.loginProblem()?.text).toContain('That name is taken');
  });

  it('calls a listed person by the name as listed when the typed one differs only in letter case', () => {
    setUp();
    stubs.presence.onlineUsers.set(['alice', 'bob']);
    facade.call('BOB');
    expect(stubs.peer.call).toHaveBeenCalledWith('bob');
    facade.call('Carol');
    expect(stubs.peer.call).toHaveBeenLastCalledWith('Carol');
  });

  it('checks a callee name with the protocol rule before calling', () => {
    setUp();
    facade.call('bad name!');
    expect(stubs.peer.call).not.toHaveBeenCalled();
    expect(facade.notice()).toContain('not a valid name');
  });

  it('opens no connection on start without a remembered name: an idle login page stays quiet', () => {
    setUp();
    facade.start();
    expect(stubs.signaling.connect).not.toHaveBeenCalled();
    expect(stubs.signaling.logIn).not.toHaveBeenCalled();
  });

  it('shows an outage that lasts above everything else until dismissed, then the notice under it', () => {
    jest.useFakeTimers();
    try {
      setUp();
      stubs.peer.notices$.next({ code: 'declined', peer: 'bob' });
      expect(facade.notice()).toBe('bob declined the call.');
      stubs.connectionDown('reconnecting', { kind: 'unreachable' });
      // A blip (a resume within a second) is not worth announcing.
      jest.advanceTimersByTime(OUTAGE_NOTICE_DELAY_MS - 1);
      expect(facade.notice()).toBe('bob declined the call.');
      jest.advanceTimersByTime(1);
      expect(facade.notice()).toBe('Server unreachable: reconnecting…');
      expect(facade.online()).toBe(false);
      facade.dismissNotice();
      expect(facade.notice()).toBe('bob declined the call.');
      facade.dismissNotice();
      expect(facade.notice()).toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });

  it('says a refusal at once, in its own words, and tries again on request', () => {
    setUp();
    stubs.connectionDown('refused', { kind: 'sign-in-required' });
    expect(facade.notice()).toBe('The server did not accept your sign-in (missing or expired): sign in again.');
    expect(facade.refused()).toBe(true);
    facade.retryConnection();
    expect(stubs.signaling.retry).toHaveBeenCalled();
    stubs.connectionDown('reconnecting', { kind: 'overloaded', status: 503, retryInMs: 12_000 });
    expect(facade.notice()).toBe('The server is full or restarting: trying again in about 12 s.');
  });

  it('leaves an outage during a call to the call screen’s own flag: said once, no banner', () => {
    jest.useFakeTimers();
    try {
      setUp();
      stubs.callIn('connected', 'bob');
      stubs.connectionDown('reconnecting', { kind: 'unreachable' });
      jest.advanceTimersByTime(OUTAGE_NOTICE_DELAY_MS);
      expect(facade.onStage()).toBe(true);
      expect(facade.notice()).toBeNull();
      // Ringing is answered from the lobby, where the banner is the only place that says it.
      stubs.callIn('ringing', 'carol');
      expect(facade.notice()).toBe('Server unreachable: your call goes on while Duet reconnects…');
    } finally {
      jest.useRealTimers();
    }
  });

  it('says "Call ended" only of a call that was on', () => {
    setUp();
    stubs.callIn('calling', 'nobody');
    stubs.callIn('ended', 'nobody');
    expect(facade.callStatusText()).toBe('Not in a call');
    stubs.callIn('calling', 'bob');
    stubs.callIn('connected', 'bob');
    stubs.callIn('ended', 'bob');
    expect(facade.callStatusText()).toBe('Call ended');
  });

  it('says the callee’s devices ring while the server rings them, and why the ring ended', () => {
    setUp();
    stubs.callIn('calling', 'bob');
    stubs.peer.ringingDevices.set(true);
    expect(facade.callStatusText()).toBe('Ringing bob’s devices…');
    stubs.peer.ringingDevices.set(false);
    expect(facade.callStatusText()).toBe('Calling bob…');
    stubs.callIn('ended', 'bob');
    stubs.peer.notices$.next({ code: 'unreachable', peer: 'bob' });
    expect(facade.notice()).toBe('bob is offline and none of their devices could be rung.');
    stubs.peer.notices$.next({ code: 'answer-expired' });
    expect(facade.notice()).toBe('That call has ended.');
  });

  it('clears the last call’s notice when a new call rings or is placed', () => {
    setUp();
    stubs.peer.notices$.next({ code: 'hung-up', peer: 'alice' });
    stubs.callIn('ringing', 'carol');
    expect(facade.notice()).toBeNull();
    stubs.peer.notices$.next({ code: 'offline', peer: 'bob' });
    facade.call('bob');
    expect(stubs.peer.call).toHaveBeenCalledWith('bob');
    expect(facade.notice()).toBeNull();
  });

  it('reports an accept that came too late', async () => {
    setUp();
    stubs.peer.accept.mockRejectedValueOnce(new CallClosedError('accept'));
    facade.accept();
    await Promise.resolve();
    await Promise.resolve();
    expect(facade.notice()).toBe('That call has already ended.');
  });

  it('toggles microphone, camera and screen share on the local media', () => {
    setUp();
    facade.toggleMicrophone();
    expect(stubs.media.setMicMuted).toHaveBeenCalledWith(true);
    facade.toggleCamera();
    expect(stubs.media.setCameraOff).toHaveBeenCalledWith(true);
    facade.toggleScreenShare();
    expect(stubs.media.startScreenShare).toHaveBeenCalled();
  });
});
