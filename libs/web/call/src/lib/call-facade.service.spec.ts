import { TestBed } from '@angular/core/testing';
import { CallClosedError } from '@duet/web/rtc';
import { stubServices } from '../testing/stub-services';
import { CallFacade, OUTAGE_NOTICE_DELAY_MS, REMEMBERED_NAME_KEY } from './call-facade.service';

describe(CallFacade.name, () => {
  let stubs: ReturnType<typeof stubServices>;
  let facade: CallFacade;

  function setUp(saved: Record<string, string> = {}) {
    stubs = stubServices(saved);
    TestBed.configureTestingModule({ providers: stubs.providers });
    facade = TestBed.inject(CallFacade);
  }

  afterEach(() => TestBed.resetTestingModule());

  it('refuses an invalid name without asking the server, and says why', () => {
    setUp();
    facade.logIn('not valid!');
    expect(stubs.signaling.logIn).not.toHaveBeenCalled();
    expect(facade.notice()).toContain('Invalid name');
  });

  it('logs in with the trimmed name and reports a taken name in words', () => {
    setUp();
    facade.logIn('  alice ');
    expect(stubs.signaling.logIn).toHaveBeenCalledWith('alice');
    stubs.signaling.loginFailures$.next({ type: 'login', success: false, reason: 'taken', message: 'taken' });
    expect(facade.notice()).toBe('That name is taken: pick another.');
  });

  it('remembers the name the server accepted and logs in with it by itself next time', () => {
    setUp();
    stubs.logInAs('alice');
    expect(stubs.storage.get(REMEMBERED_NAME_KEY)).toBe('alice');
    TestBed.resetTestingModule();

    setUp({ [REMEMBERED_NAME_KEY]: 'alice' });
    facade.start();
    expect(stubs.signaling.logIn).toHaveBeenCalledWith('alice');
    facade.logOut();
    expect(stubs.storage.has(REMEMBERED_NAME_KEY)).toBe(false);
    expect(stubs.signaling.disconnect).toHaveBeenCalled();
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
