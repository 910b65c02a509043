import { TestBed } from '@angular/core/testing';
import { CallClosedError } from '@duet/web/rtc';
import { stubServices } from '../testing/stub-services';
import { CallFacade } from './call-facade.service';

describe(CallFacade.name, () => {
  let stubs: ReturnType<typeof stubServices>;
  let facade: CallFacade;

  beforeEach(() => {
    stubs = stubServices();
    TestBed.configureTestingModule({ providers: stubs.providers });
    facade = TestBed.inject(CallFacade);
  });

  it('lists everyone online but me (in any case), sorted, and follows presence', () => {
    stubs.logInAs('alice');
    stubs.signaling.messages$.next({ type: 'users', users: ['carol', 'ALICE', 'Bob'], total: 3, truncated: false });
    expect(facade.users()).toEqual(['Bob', 'carol']);

    stubs.signaling.messages$.next({ type: 'presence', username: 'dave', online: true });
    stubs.signaling.messages$.next({ type: 'presence', username: 'bob', online: false });
    stubs.signaling.messages$.next({ type: 'presence', username: 'alice', online: true });
    expect(facade.users()).toEqual(['carol', 'dave']);
  });

  it('refuses an invalid name without asking the server, and says why', () => {
    facade.logIn('not valid!');
    expect(stubs.signaling.logIn).not.toHaveBeenCalled();
    expect(facade.notice()).toContain('Invalid name');
  });

  it('logs in with the trimmed name and reports a taken name in words', () => {
    facade.logIn('  alice ');
    expect(stubs.signaling.logIn).toHaveBeenCalledWith('alice');
    expect(facade.loginPending()).toBe(true);
    stubs.signaling.messages$.next({ type: 'login', success: false, reason: 'taken', message: 'taken' });
    expect(facade.loginPending()).toBe(false);
    expect(facade.notice()).toBe('That name is taken: pick another.');
  });

  it('shows call notices, and an unreachable server above everything else', () => {
    stubs.peer.notices$.next({ code: 'declined', message: 'bob declined the call.' });
    expect(facade.notice()).toBe('bob declined the call.');
    stubs.signaling.connectionState.set('reconnecting');
    expect(facade.notice()).toBe('Server unreachable: reconnecting…');
    stubs.signaling.connectionState.set('open');
    facade.dismissNotice();
    expect(facade.notice()).toBeNull();
  });

  it('clears the old notice when placing a call and reports an accept that came too late', async () => {
    stubs.peer.notices$.next({ code: 'offline', message: 'bob is not online.' });
    facade.call('bob');
    expect(stubs.peer.call).toHaveBeenCalledWith('bob');
    expect(facade.notice()).toBeNull();

    stubs.peer.accept.mockRejectedValueOnce(new CallClosedError('accept'));
    facade.accept();
    await Promise.resolve();
    await Promise.resolve();
    expect(facade.notice()).toBe('That call has already ended.');
  });
});
