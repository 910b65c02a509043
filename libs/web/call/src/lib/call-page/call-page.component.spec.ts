import { ComponentFixture, TestBed } from '@angular/core/testing';
import { CallState } from '@duet/web/rtc';
import { settle } from '../../testing/settle';
import { stubServices } from '../../testing/stub-services';
import { CallPageComponent } from './call-page.component';

describe(CallPageComponent.name, () => {
  let stubs: ReturnType<typeof stubServices>;
  let fixture: ComponentFixture<CallPageComponent>;

  const byTestId = (id: string) => fixture.nativeElement.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
  const allByTestId = (id: string) =>
    Array.from(fixture.nativeElement.querySelectorAll(`[data-testid="${id}"]`)) as HTMLElement[];
  const stable = () => settle(fixture);

  async function loggedIn(state: CallState = 'idle', remoteUser: string | null = null): Promise<void> {
    stubs.logInAs('alice');
    stubs.presence.onlineUsers.set(['bob', 'carol']);
    stubs.callIn(state, remoteUser);
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

  it('offers only the login form before login, opens no connection, and does not claim to be online', () => {
    expect(stubs.signaling.connect).not.toHaveBeenCalled();
    expect(byTestId('username-input')).not.toBeNull();
    expect(byTestId('call-status')).toBeNull();
    expect(byTestId('user-list')).toBeNull();
    expect(fixture.nativeElement.querySelector('[role="status"]')?.textContent).not.toContain('online');
  });

  it('logs in with the typed name', async () => {
    const input = byTestId('username-input') as HTMLInputElement;
    input.value = 'alice';
    input.dispatchEvent(new Event('input'));
    await stable();
    (byTestId('login-button') as HTMLButtonElement).click();
    expect(stubs.signaling.logIn).toHaveBeenCalledWith('alice');
  });

  it('shows me, the call state in words (exact in data-state), and the others as one item each', async () => {
    await loggedIn();
    expect(byTestId('current-user')?.textContent).toBe('alice');
    expect(byTestId('call-status')?.getAttribute('data-state')).toBe('idle');
    expect(byTestId('call-status')?.textContent).toBe('Not in a call');
    expect(allByTestId('user-item').map((item) => item.textContent)).toEqual(['bob', 'carol']);
    expect(allByTestId('user-item')[0].getAttribute('aria-label')).toBe('Call bob');
  });

  it('searches as a name is typed and lists the matches instead, then the sample again when the box is cleared', async () => {
    await loggedIn();
    stubs.presence.sampleOf.set(5000);
    await stable();
    expect(fixture.nativeElement.textContent).toContain('some of the 5000 people online');
    const search = byTestId('user-search') as HTMLInputElement;
    search.value = 'da';
    search.dispatchEvent(new Event('input'));
    expect(stubs.presence.search).toHaveBeenLastCalledWith('da');
    stubs.presence.matches.set({ prefix: 'da', users: ['dan', 'dave'], more: true });
    await stable();
    expect(allByTestId('user-item').map((item) => item.textContent)).toEqual(['dan', 'dave']);
    expect(fixture.nativeElement.textContent).toContain('type more of the name');
    stubs.presence.matches.set(null);
    await stable();
    expect(allByTestId('user-item').map((item) => item.textContent)).toEqual(['bob', 'carol']);
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
    expect(byTestId('call-status')?.getAttribute('data-state')).toBe('ringing');
    expect(byTestId('call-status')?.textContent).toBe('bob is calling you');
    expect(document.activeElement).toBe(byTestId('accept-button'));
    (byTestId('accept-button') as HTMLButtonElement).click();
    expect(stubs.peer.accept).toHaveBeenCalled();
  });

  it('declines the ringing call on Escape', async () => {
    await loggedIn('ringing', 'bob');
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    expect(stubs.peer.decline).toHaveBeenCalled();
  });

  it('shows both videos in a call, the local one muted, no lobby, and hangs up', async () => {
    await loggedIn('connected', 'bob');
    expect(byTestId('call-status')?.textContent).toBe('In a call with bob');
    const local = byTestId('local-video') as HTMLVideoElement;
    const remote = byTestId('remote-video') as HTMLVideoElement;
    expect(local.muted).toBe(true);
    expect(local.hasAttribute('autoplay') && local.hasAttribute('playsinline')).toBe(true);
    expect(remote.muted).toBe(false);
    expect(byTestId('incoming-call')).toBeNull();
    expect(byTestId('user-list')).toBeNull();
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
    stubs.peer.notices$.next({ code: 'declined', peer: 'bob' });
    await stable();
    expect(byTestId('error-message')?.textContent).toBe('bob declined the call.');
    (fixture.nativeElement.querySelector('button[aria-label="Dismiss message"]') as HTMLButtonElement).click();
    await stable();
    expect(byTestId('error-message')).toBeNull();
  });

  it('shows the other side muted, camera off (with their initial), and my toggles pressed', async () => {
    await loggedIn('connected', 'bob');
    stubs.peer.remoteMedia.set({ micMuted: true, cameraOff: true, screenSharing: false });
    stubs.media.micMuted.set(true);
    await stable();
    expect(byTestId('remote-muted')?.textContent).toContain('bob is muted');
    expect(byTestId('remote-camera-off')).not.toBeNull();
    expect(fixture.nativeElement.querySelector('.avatar')?.textContent).toBe('B');
    expect(byTestId('mute-button')?.getAttribute('aria-pressed')).toBe('true');
    expect(byTestId('camera-button')?.getAttribute('aria-pressed')).toBe('false');
    (byTestId('camera-button') as HTMLButtonElement).click();
    expect(stubs.media.setCameraOff).toHaveBeenCalledWith(true);
  });

  it('while offline: refuses new calls with a reason, marks the online list stale, and keeps the call going', async () => {
    await loggedIn();
    stubs.connectionDown('reconnecting', { kind: 'unreachable' });
    await stable();
    const callButton = byTestId('call-button') as HTMLButtonElement;
    expect(callButton.disabled).toBe(true);
    expect(byTestId('call-unavailable')?.textContent).toContain('You are offline');
    expect(callButton.getAttribute('aria-describedby')).toBe('call-unavailable');
    expect(byTestId('user-list')?.getAttribute('data-stale')).toBe('true');
    expect(allByTestId('user-item').every((item) => (item as HTMLButtonElement).disabled)).toBe(true);

    stubs.callIn('connected', 'bob');
    stubs.peer.peerReconnecting.set(true);
    await stable();
    expect(byTestId('signaling-offline')?.textContent).toContain('the call goes on');
    expect(byTestId('peer-reconnecting')?.textContent).toBe('bob is reconnecting…');

    stubs.connectionDown('open', null);
    stubs.peer.peerReconnecting.set(false);
    await stable();
    expect(byTestId('signaling-offline')).toBeNull();
    expect(byTestId('peer-reconnecting')).toBeNull();
  });

  it('offers to try again after the server refused a logged-in user', async () => {
    await loggedIn();
    stubs.connectionDown('refused', { kind: 'origin-refused' });
    await stable();
    const retry = Array.from(fixture.nativeElement.querySelectorAll('header button') as NodeListOf<HTMLButtonElement>).find(
      (button) => button.textContent?.trim() === 'Try again',
    );
    retry?.click();
    expect(stubs.signaling.retry).toHaveBeenCalled();
    expect(byTestId('error-message')?.textContent).toContain('origin not allowed');
  });

  it('shows the call duration once connected', async () => {
    stubs.peer.connectedAt.set(Date.now() - 65_000);
    await loggedIn('connected', 'bob');
    expect(byTestId('call-timer')?.textContent).toBe('1:05');
  });

  it('shows the verification code, the quality with its reason, and chat text as text with an unread badge', async () => {
    stubs.verification.code.set('123 456');
    stubs.stats.verdict.set({ quality: 'fair', reason: 'loss' });
    stubs.chat.unread.set(2);
    await loggedIn('connected', 'bob');
    expect(byTestId('verification-code')?.textContent).toBe('123 456');
    expect(byTestId('quality-indicator')?.getAttribute('data-quality')).toBe('fair');
    expect(byTestId('quality-indicator')?.textContent).toContain('packets are being lost');
    expect(byTestId('chat-unread')?.textContent).toBe('2');

    stubs.chat.entries.set([{ id: 1, mine: false, text: '<b>hi</b>', at: Date.now() }]);
    (byTestId('chat-button') as HTMLButtonElement).click();
    await stable();
    expect(stubs.chat.setPanelOpen).toHaveBeenLastCalledWith(true);
    const message = byTestId('chat-message') as HTMLElement;
    expect(message.textContent).toContain('<b>hi</b>');
    expect(message.textContent).toContain('bob');
    expect(message.querySelector('b')).toBeNull();
    const input = byTestId('chat-input') as HTMLInputElement;
    input.value = 'hello';
    input.dispatchEvent(new Event('input'));
    await stable();
    (byTestId('chat-send') as HTMLButtonElement).click();
    expect(stubs.chat.send).toHaveBeenCalledWith('hello');

    (fixture.nativeElement.querySelector('button[aria-label="Call quality"]') as HTMLButtonElement).click();
    await stable();
    expect(byTestId('stats-panel')).not.toBeNull();
    expect(byTestId('chat-message')).toBeNull();
    expect(stubs.stats.setPanelOpen).toHaveBeenLastCalledWith(true);
  });

  it('lists file offers to accept or decline, progress with speed and time left, and a save link only once checked', async () => {
    const transfer = {
      key: 'in-1', outgoing: false, name: 'notes.txt', size: 2_000_000, mime: 'text/plain',
      status: 'incoming' as const, failure: null, bytes: 0, bytesPerSecond: null, url: null, destination: null,
    };
    stubs.files.list.set([transfer]);
    await loggedIn('connected', 'bob');
    expect(fixture.nativeElement.querySelector('[data-testid="files-button"]').getAttribute('aria-label')).toBe(
      'Files, 1 waiting for your answer',
    );
    (byTestId('files-button') as HTMLButtonElement).click();
    await stable();
    expect(byTestId('file-transfer')?.textContent).toContain('notes.txt');
    (byTestId('file-accept') as HTMLButtonElement).click();
    expect(stubs.files.accept).toHaveBeenCalledWith('in-1');

    stubs.files.list.set([{ ...transfer, status: 'receiving', bytes: 1_000_000, bytesPerSecond: 500_000 }]);
    await stable();
    expect((byTestId('file-progress') as HTMLProgressElement).value).toBe(50);
    expect(byTestId('file-transfer')?.textContent).toContain('500.0 kB/s · 2 s left');
    expect(byTestId('file-save')).toBeNull();

    stubs.files.list.set([{ ...transfer, status: 'failed', failure: 'mismatch', bytes: 2_000_000 }]);
    await stable();
    expect(byTestId('file-transfer')?.textContent).toContain('checksum mismatch');
    expect(byTestId('file-save')).toBeNull();

    stubs.files.list.set([{ ...transfer, status: 'done', bytes: 2_000_000, url: 'blob:http://localhost/x' }]);
    await stable();
    expect(byTestId('file-save')?.getAttribute('download')).toBe('notes.txt');
  });

  it('previews camera and microphone in the lobby, with device choosers', async () => {
    await loggedIn();
    expect(byTestId('preview-video')).toBeNull();
    (fixture.nativeElement.querySelector('button[aria-pressed="false"]') as HTMLButtonElement).click();
    expect(stubs.media.startPreview).toHaveBeenCalled();
    stubs.media.previewing.set(true);
    await stable();
    expect(byTestId('preview-video')).not.toBeNull();
    expect(byTestId('mic-level')).not.toBeNull();
    const camera = byTestId('camera-select') as HTMLSelectElement;
    camera.value = 'cam-1';
    camera.dispatchEvent(new Event('change'));
    expect(stubs.media.selectDevice).toHaveBeenCalledWith('camera', 'cam-1');
  });

  it('asks before the tab closes mid-call, and not otherwise', async () => {
    await loggedIn();
    const idle = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(idle);
    expect(idle.defaultPrevented).toBe(false);
    stubs.callIn('connected', 'bob');
    await stable();
    const inCall = new Event('beforeunload', { cancelable: true });
    window.dispatchEvent(inCall);
    expect(inCall.defaultPrevented).toBe(true);
  });

  it('labels every control for assistive technology', async () => {
    await loggedIn('connected', 'bob');
    const controls = Array.from(fixture.nativeElement.querySelectorAll('button, input')) as HTMLElement[];
    expect(controls.length).toBeGreaterThan(3);
    for (const control of controls) expect(control.getAttribute('aria-label') || control.textContent?.trim()).toBeTruthy();
  });
});
