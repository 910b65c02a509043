import { TestBed } from '@angular/core/testing';
import { SETTINGS, accountsProviders, fakeApi, fakePushBrowser, mapStorage } from '../../testing/fakes';
import { AccountsApiError } from '../api/accounts-api';
import { PUSH_BROWSER, PUSH_SUBSCRIBE_TIMEOUT_MS } from './push-browser';
import { PushSwitchService, base64UrlBytes, pushEndpointKey } from './push-switch.service';

function setUp(push = fakePushBrowser(), api = fakeApi(), saved = new Map<string, string>()) {
  TestBed.configureTestingModule({
    providers: [...accountsProviders(api, mapStorage(saved)), { provide: PUSH_BROWSER, useValue: push.browser }],
  });
  return { service: TestBed.inject(PushSwitchService), push, api, saved };
}

const KEY = base64UrlBytes(SETTINGS.pushPublicKey);

describe(PushSwitchService.name, () => {
  afterEach(() => jest.restoreAllMocks());

  it('reads on only when this browser’s subscription is the one registered for this user', async () => {
    const push = fakePushBrowser();
    push.existing('https://push.example/alice', KEY);
    const { service } = setUp(push, fakeApi(), new Map([[pushEndpointKey('alice'), 'https://push.example/alice']]));
    await service.check('alice');
    expect(service.state()).toEqual({ kind: 'on' });
    await service.check('bob');
    expect(service.state()).toEqual({ kind: 'off' });
  });

  it('reads off with no service worker yet, unsupported without Web Push, denied when notifications are blocked', async () => {
    await setUp(fakePushBrowser({ registered: false })).service.check('bob');
    expect(TestBed.inject(PushSwitchService).state()).toEqual({ kind: 'off' });
    TestBed.resetTestingModule();
    const unsupported = fakePushBrowser();
    (unsupported.browser as { supported: boolean }).supported = false;
    const first = setUp(unsupported).service;
    await first.check('bob');
    expect(first.state()).toEqual({ kind: 'unsupported' });
    TestBed.resetTestingModule();
    const denied = setUp(fakePushBrowser({ permission: 'denied' })).service;
    await denied.check('bob');
    expect(denied.state()).toEqual({ kind: 'denied' });
  });

  it('turning on asks permission, subscribes with the server’s key (user visible only) and registers it on the server', async () => {
    const push = fakePushBrowser({ permission: 'default' });
    const { service, api, saved } = setUp(push);
    await service.check('bob');
    await service.turnOn();
    expect(push.browser.requestPermission).toHaveBeenCalled();
    expect(push.pushManager.subscribe).toHaveBeenCalledWith({ userVisibleOnly: true, applicationServerKey: KEY });
    expect(api.subscribePush).toHaveBeenCalledWith({ endpoint: 'https://push.example/e1', expirationTime: null, keys: { p256dh: 'p256', auth: 'auth' } });
    expect(saved.get(pushEndpointKey('bob'))).toBe('https://push.example/e1');
    expect(service.state()).toEqual({ kind: 'on' });
  });

  it('registers the subscription this browser already has for another user, without making a new one', async () => {
    const push = fakePushBrowser();
    push.existing('https://push.example/alice', KEY);
    const { service, api } = setUp(push);
    await service.check('bob');
    await service.turnOn();
    expect(push.pushManager.subscribe).not.toHaveBeenCalled();
    expect(api.subscribePush).toHaveBeenCalledWith(expect.objectContaining({ endpoint: 'https://push.example/alice' }));
  });

  it('replaces a subscription made with another server key', async () => {
    const push = fakePushBrowser();
    const old = push.existing('https://push.example/old', new Uint8Array([9, 9, 9]));
    const { service } = setUp(push);
    await service.check('bob');
    await service.turnOn();
    expect(old.unsubscribe).toHaveBeenCalled();
    expect(push.pushManager.subscribe).toHaveBeenCalled();
    expect(service.state()).toEqual({ kind: 'on' });
  });

  it('stays off, in words, when notifications are refused or the push service never answers', async () => {
    const push = fakePushBrowser({ permission: 'default' });
    push.browser.requestPermission.mockResolvedValueOnce('denied');
    const { service } = setUp(push);
    await service.check('bob');
    await service.turnOn();
    expect(service.state()).toEqual({ kind: 'denied' });

    push.browser.permission.mockReturnValue('granted');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    push.pushManager.subscribe.mockImplementationOnce(() => new Promise(() => undefined));
    jest.useFakeTimers();
    try {
      const turning = service.turnOn();
      await jest.advanceTimersByTimeAsync(PUSH_SUBSCRIBE_TIMEOUT_MS);
      await turning;
    } finally {
      jest.useRealTimers();
    }
    expect(service.state()).toEqual({ kind: 'off', problem: 'push-service' });
    expect(service.busy()).toBe(false);
    expect(warn).toHaveBeenCalledWith('[push] the browser could not subscribe', expect.objectContaining({ name: 'TimeoutError' }));
  });

  it('reads a permission refused at subscribe time (a private window) as denied, not as an unreachable push service', async () => {
    const push = fakePushBrowser();
    push.pushManager.subscribe.mockRejectedValueOnce(new DOMException('Registration failed - permission denied', 'AbortError'));
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { service } = setUp(push);
    await service.check('bob');
    await service.turnOn();
    expect(service.state()).toEqual({ kind: 'denied' });
  });

  it('says no-worker when the app has no service worker to subscribe with', async () => {
    const { service } = setUp(fakePushBrowser({ registered: false }));
    await service.check('bob');
    await service.turnOn();
    expect(service.state()).toEqual({ kind: 'no-worker' });
  });

  it('drops the new subscription when the server refuses it, and says the server’s reason', async () => {
    const api = fakeApi();
    api.subscribePush.mockRejectedValueOnce(new AccountsApiError(400, 'push endpoint host is not allowed'));
    const { service, push } = setUp(fakePushBrowser(), api);
    await service.check('bob');
    await service.turnOn();
    expect(service.state()).toEqual({ kind: 'off', problem: { refused: 'push endpoint host is not allowed' } });
    expect(push.current()).toBeNull();
    api.subscribePush.mockRejectedValueOnce(new AccountsApiError(409, 'too many'));
    await service.turnOn();
    expect(service.state()).toEqual({ kind: 'off', problem: 'too-many' });
  });

  it('turning off tells the server to forget the endpoint and drops the browser’s subscription', async () => {
    const { service, push, api, saved } = setUp();
    await service.check('bob');
    await service.turnOn();
    await service.turnOff();
    expect(api.unsubscribePush).toHaveBeenCalledWith({ endpoint: 'https://push.example/e1' });
    expect(push.current()).toBeNull();
    expect(saved.has(pushEndpointKey('bob'))).toBe(false);
    expect(service.state()).toEqual({ kind: 'off' });
  });

  it('turning off still drops the browser’s subscription when the server cannot be told', async () => {
    const api = fakeApi();
    api.unsubscribePush.mockRejectedValueOnce(new AccountsApiError(0, 'Failed to fetch'));
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { service, push } = setUp(fakePushBrowser(), api);
    await service.check('bob');
    await service.turnOn();
    await service.turnOff();
    expect(push.current()).toBeNull();
    expect(service.state()).toEqual({ kind: 'off' });
  });

  it('forgets the subscription at log-out', async () => {
    const { service, push, api } = setUp();
    await service.check('bob');
    await service.turnOn();
    await service.forget();
    expect(api.unsubscribePush).toHaveBeenCalled();
    expect(push.current()).toBeNull();
  });
});
