import { TestBed } from '@angular/core/testing';
import { CallClosedError } from '@duet/web/rtc';
import { stubServices } from '../testing/stub-services';
import { CallFacade, REMEMBERED_NAME_KEY } from './call-facade.service';

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
    expect(stubs.signaling.connect).toHaveBeenCalled();
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

  it('shows call notices in words, and an unreachable server above everything else until dismissed', () => {
    setUp();
    stubs.peer.notices$.next({ code: 'declined', peer: 'bob' });
    expect(facade.notice()).toBe('bob declined the call.');
    stubs.signaling.connectionState.set('reconnecting');
    stubs.signaling.connectionState$.next('reconnecting');
    expect(facade.notice()).toBe('Server unreachable: reconnecting…');
    facade.dismissNotice();
    expect(facade.notice()).toBe('bob declined the call.');
    facade.dismissNotice();
    expect(facade.notice()).toBeNull();
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
