// Over 300 lines on purpose: the camera, microphone and screen swap into the same two senders, and their rules need one owner.
import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { BehaviorSubject, Observable, Subject } from 'rxjs';
import { CallNotice, InputKind } from '../call/call-notice';
import { MediaStateMessage } from '../engine/control-channel';
import { acquireLocalMedia, classifyMediaError } from './media';
import { EffectStage, StageResult } from './effect-stage';
import { EFFECT_CHOICES_KEY, EffectChoices, MEDIA_EFFECTS, effectOn, loadEffectChoices } from './media-effects';
import { DEVICE_CHOICES_KEY, DeviceChoices, DeviceKind, DeviceLists, NO_DEVICES, deviceListsOf, loadDeviceChoices } from './devices';
import { PREFERENCE_STORAGE, writePreference } from './preference-storage';
import { RTC_ENVIRONMENT } from './rtc-environment';

/**
 * The track to send instead of the current one of its kind (a switch, screen share on/off, camera
 * on/off); null sends nothing on the kept sender (the camera is off).
 */
export interface TrackSwap {
  kind: 'audio' | 'video';
  track: MediaStreamTrack | null;
}

export type LocalMediaState = Omit<MediaStateMessage, 'type'>;

/**
 * This side's camera, microphone and screen: the tracks, mute and camera-off, the device choices
 * (remembered in localStorage), the lobby preview and screen share.
 *
 * Tracks are live while `previewing` or in a call (`acquireForCall` .. `release`). A switch of
 * device or a screen share never renegotiates: it emits a TrackSwap, and the call swaps the track
 * on its sender. Mute disables the microphone's track (`enabled = false`: silence), so unmuting is
 * instant. Camera-off stops the camera's track (the camera light goes off: people read it as "it
 * is recording") and the sender sends nothing; camera-on opens the chosen camera again and swaps
 * it in. The other side learns of both over the control channel.
 *
 * Between the raw camera and microphone and what is previewed and sent sits an `EffectStage` per
 * input (noise suppression, background blur or image, from `MEDIA_EFFECTS`): an effect change
 * processes the live raw track again and swaps the sent track exactly as a device switch does.
 */
@Injectable({ providedIn: 'root' })
export class LocalMediaService {
  private readonly environment = inject(RTC_ENVIRONMENT);
  private readonly storage = inject(PREFERENCE_STORAGE);
  private readonly effects = inject(MEDIA_EFFECTS);

  private readonly audio = signal<MediaStreamTrack | null>(null);
  private readonly camera = signal<MediaStreamTrack | null>(null);
  private readonly screen = signal<MediaStreamTrack | null>(null);
  private readonly micMutedState = signal(false);
  private readonly cameraOffState = signal(false);
  private readonly previewingState = signal(false);
  private readonly deviceLists = signal<DeviceLists>(NO_DEVICES);
  private readonly deviceChoices = signal<DeviceChoices>(loadDeviceChoices(this.storage));
  private readonly effectChoicesState = signal<EffectChoices>(loadEffectChoices(this.storage, this.effects.support));
  private readonly stages = {
    microphone: new EffectStage('microphone', this.effects, (kind) => void this.effectFailed(kind)),
    camera: new EffectStage('camera', this.effects, (kind) => void this.effectFailed(kind)),
  };
  private readonly noticesSubject = new Subject<CallNotice>();
  private readonly trackSwapsSubject = new Subject<TrackSwap>();
  private readonly stateSubject = new BehaviorSubject<LocalMediaState>(this.snapshot());
  private inCall = false;
  private readonly recovering = new Set<InputKind>();
  /** Bumped by release(): an acquisition that finishes after it must not bring tracks back. */
  private generation = 0;
  /** Bumped by each camera off/on: a camera that opens after a later click is not wanted. */
  private cameraRequest = 0;
  private cameraOpening = false;
  private acquiring = false;

  /** What the self-view shows: the microphone and the video being sent (the screen while sharing). */
  readonly stream = computed(() => {
    const tracks = [this.sent('microphone'), this.screen() ?? this.sent('camera')].filter((track) => track !== null);
    return tracks.length > 0 ? this.environment.createMediaStream(tracks) : null;
  });
  readonly audioTrack = this.audio.asReadonly();
  readonly micMuted = this.micMutedState.asReadonly();
  readonly cameraOff = this.cameraOffState.asReadonly();
  readonly screenSharing = computed(() => this.screen() !== null);
  readonly hasCamera = computed(() => this.camera() !== null);
  readonly hasMicrophone = computed(() => this.audio() !== null);
  readonly previewing = this.previewingState.asReadonly();
  readonly devices = this.deviceLists.asReadonly();
  readonly choices = this.deviceChoices.asReadonly();
  /** Noise suppression and background, as chosen (remembered in localStorage, `duet.effects`). */
  readonly effectChoices = this.effectChoicesState.asReadonly();
  readonly effectSupport = this.effects.support;
  readonly canShareScreen = this.environment.canShareScreen;
  readonly state = computed(() => this.snapshot());

  readonly notices$: Observable<CallNotice> = this.noticesSubject.asObservable();
  readonly trackSwaps$: Observable<TrackSwap> = this.trackSwapsSubject.asObservable();
  /** Mute, camera-off and sharing, now and after every change: what the control channel tells the peer. */
  readonly state$: Observable<LocalMediaState> = this.stateSubject.asObservable();

  constructor() {
    const stopWatching = this.environment.onDeviceChange(() => void this.onDeviceChange());
    inject(DestroyRef).onDestroy(() => {
      stopWatching();
      this.release();
    });
  }

  /** Shows the camera and microphone before a call, so problems show before the call. */
  async startPreview(): Promise<void> {
    if (this.previewingState() || this.inCall) return;
    this.previewingState.set(true);
    const acquired = await this.acquire();
    if (!acquired) this.previewingState.set(false);
  }

  stopPreview(): void {
    if (!this.previewingState()) return;
    this.previewingState.set(false);
    if (!this.inCall) this.release();
  }

  /** The tracks for a call (the preview's, if it runs). Null when nothing could be opened. */
  async acquireForCall(): Promise<MediaStream | null> {
    this.inCall = true;
    this.previewingState.set(false);
    if (!this.audio() && !this.camera()) await this.acquire();
    const tracks = [this.sent('microphone'), this.sent('camera')].filter((track) => track !== null);
    const stream = tracks.length > 0 ? this.environment.createMediaStream(tracks) : null;
    // Turned off while the camera was opening: the call still gets its track (stopped, it holds a
    // video sender for when the camera comes back on), and the light goes off now.
    if (this.cameraOffState()) this.releaseCamera();
    return stream;
  }

  /** Stops every track (the camera light goes off) and resets mute, camera-off and sharing. */
  release(): void {
    this.generation += 1;
    this.inCall = false;
    this.previewingState.set(false);
    this.stages.microphone.clear();
    this.stages.camera.clear();
    for (const track of [this.audio(), this.camera(), this.screen()]) stopTrack(track);
    this.audio.set(null);
    this.camera.set(null);
    this.screen.set(null);
    this.micMutedState.set(false);
    this.cameraOffState.set(false);
    this.publishState();
  }

  setMicMuted(muted: boolean): void {
    this.micMutedState.set(muted);
    for (const track of [this.audio(), this.stages.microphone.processed()?.track]) if (track) track.enabled = !muted;
    this.publishState();
  }

  /**
   * Off stops the camera (its light goes off) and sends nothing in its place. On opens the chosen
   * camera again and sends it; until it is open the camera still counts as off, and if it cannot
   * be opened it stays off, with a notice.
   */
  async setCameraOff(off: boolean): Promise<void> {
    if (off) {
      this.cameraRequest += 1;
      this.cameraOpening = false;
      this.cameraOffState.set(true);
      this.releaseCamera();
      this.publishState();
      return;
    }
    if (!this.cameraOffState() || this.cameraOpening) return;
    // Nothing to open (outside a call), or the call's first acquisition is still opening the camera.
    if ((!this.inCall && !this.previewingState()) || this.acquiring) {
      this.cameraOffState.set(false);
      this.publishState();
      return;
    }
    const request = ++this.cameraRequest;
    this.cameraOpening = true;
    try {
      await this.reopen('camera', this.constraintFor('camera'), () => request === this.cameraRequest, () => this.cameraOffState.set(false));
    } finally {
      if (request === this.cameraRequest) this.cameraOpening = false;
    }
    this.publishState();
  }

  /** Remembers the choice and, for a live camera or microphone, switches to it now. */
  async selectDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    this.deviceChoices.update((choices) => ({ ...choices, [kind]: deviceId || null }));
    writePreference(this.storage, DEVICE_CHOICES_KEY, JSON.stringify(this.deviceChoices()));
    if (kind === 'speaker') return;
    // A camera that is off opens the chosen one when it is turned on again.
    if (!this.liveTrack(kind)) return;
    await this.reopen(kind, deviceId ? { deviceId: { exact: deviceId } } : true);
  }

  async startScreenShare(): Promise<void> {
    if (this.screen() || !this.canShareScreen || !this.inCall) return;
    const generation = this.generation;
    let track: MediaStreamTrack | undefined;
    try {
      track = (await this.environment.getDisplayMedia({ video: true, audio: false })).getVideoTracks()[0];
    } catch (error) {
      const reason = classifyMediaError(error);
      // Cancelling the browser's picker is a choice, not a failure.
      if (reason !== 'permission-denied') this.noticesSubject.next({ code: 'screen-share-failed', reason });
      return;
    }
    if (!track) return;
    if (generation !== this.generation || this.screen()) {
      track.stop();
      return;
    }
    // Screen content wants sharp text more than frame rate: the encoder keeps the resolution.
    track.contentHint = 'detail';
    // The browser's own "Stop sharing" ends the track.
    track.addEventListener('ended', () => {
      if (this.screen() === track) this.stopScreenShare();
    });
    this.screen.set(track);
    this.trackSwapsSubject.next({ kind: 'video', track });
    this.publishState();
  }

  stopScreenShare(): void {
    const track = this.screen();
    if (!track) return;
    this.screen.set(null);
    // The camera again, or nothing while it is off.
    this.trackSwapsSubject.next({ kind: 'video', track: this.sent('camera') });
    track.stop();
    this.publishState();
  }

  /** Reads the device lists again (labels appear once the browser has granted access). */
  async refreshDevices(): Promise<void> {
    let devices: MediaDeviceInfo[];
    try {
      devices = await this.environment.enumerateDevices();
    } catch {
      return;
    }
    this.deviceLists.set(deviceListsOf(devices));
  }

  private async acquire(): Promise<boolean> {
    this.acquiring = true;
    try {
      return await this.acquireTracks();
    } finally {
      this.acquiring = false;
    }
  }

  private async acquireTracks(): Promise<boolean> {
    const generation = this.generation;
    // The lists only decide how to ask for a remembered device (exact or ideal, constraintFor).
    // Without a remembered one, reading them first would hold up the camera on a call's critical
    // path (an enumerateDevices round trip before getUserMedia, on both sides of every call).
    if (this.rememberedInputChoice()) await this.refreshDevices();
    const media = await acquireLocalMedia((constraints) => this.environment.getUserMedia(constraints), {
      audio: this.constraintFor('microphone'),
      video: this.constraintFor('camera'),
    });
    const tracks = media.stream?.getTracks() ?? [];
    if (generation !== this.generation) {
      for (const track of tracks) track.stop();
      return false;
    }
    if (media.problem) this.noticesSubject.next({ code: 'media', ...media.problem });
    for (const track of tracks) this.adopt(track.kind === 'video' ? 'camera' : 'microphone', track);
    // The effects run before anything is previewed or sent (no call has a sender yet).
    await Promise.all(tracks.map((track) => this.process(track.kind === 'video' ? 'camera' : 'microphone')));
    this.publishState();
    // Labels (and ids) appear once access is granted.
    void this.refreshDevices();
    return tracks.length > 0;
  }

  /**
   * The remembered device, if it is still there. Chromium treats an `ideal` deviceId as a mere hint
   * (it opened the default camera instead), so a listed device is asked for `exact`ly; an unlisted
   * one (unplugged, or ids hidden before permission) only as `ideal`, never failing the call.
   */
  private constraintFor(kind: InputKind): MediaTrackConstraints | true {
    const id = this.deviceChoices()[kind];
    if (!id) return true;
    const listed = this.deviceLists()[kind].some((device) => device.id === id);
    return { deviceId: listed ? { exact: id } : { ideal: id } };
  }

  /**
   * Opens `kind` again (another device, the default after a loss, or the camera turned back on) and
   * swaps it in. `wanted` is asked once it is open (a later click may have made it unwanted);
   * `adopting` runs just before the track becomes the live one.
   */
  private async reopen(
    kind: InputKind,
    constraint: MediaTrackConstraints | true,
    wanted: () => boolean = () => true,
    adopting: () => void = () => undefined,
  ): Promise<boolean> {
    const generation = this.generation;
    let track: MediaStreamTrack | undefined;
    try {
      const stream = await this.environment.getUserMedia(kind === 'camera' ? { video: constraint } : { audio: constraint });
      track = stream.getTracks()[0];
    } catch (error) {
      this.noticesSubject.next({ code: 'device-failed', kind, reason: classifyMediaError(error) });
      return false;
    }
    if (!track) return false;
    if (generation !== this.generation || !wanted()) {
      track.stop();
      return false;
    }
    const previous = this.liveTrack(kind);
    adopting();
    this.adopt(kind, track);
    const processed = await this.stages[kind].apply(track, this.effectChoicesState());
    this.swapIn(kind, processed ?? { sent: track, replaced: null });
    stopTrack(previous);
    void this.refreshDevices();
    return true;
  }

  /**
   * Turns noise suppression or the background effect on, off or to another one (remembered), and
   * swaps what is sent, as a device switch does. Off sends the raw track again.
   */
  async setEffects(change: Partial<EffectChoices>): Promise<void> {
    const before = this.effectChoicesState();
    const support = this.effects.support;
    const next: EffectChoices = {
      noiseSuppression: support.noiseSuppression && (change.noiseSuppression ?? before.noiseSuppression),
      background: support.background ? (change.background ?? before.background) : 'none',
    };
    this.effectChoicesState.set(next);
    writePreference(this.storage, EFFECT_CHOICES_KEY, JSON.stringify(next));
    const changed = (['microphone', 'camera'] as const).filter((kind) =>
      kind === 'microphone' ? before.noiseSuppression !== next.noiseSuppression : before.background !== next.background,
    );
    await Promise.all(changed.map((kind) => this.reprocess(kind)));
  }

  /** What is sent for `kind`: its processed track, or the raw one. */
  private sent(kind: InputKind): MediaStreamTrack | null {
    const raw = this.liveTrack(kind);
    return raw && (this.stages[kind].processed()?.track ?? raw);
  }

  /** Runs `kind`'s stage on its live raw track, before anything is sent (no swap). */
  private async process(kind: InputKind): Promise<void> {
    const raw = this.liveTrack(kind);
    if (!raw) return;
    const result = await this.stages[kind].apply(raw, this.effectChoicesState());
    result?.replaced?.dispose();
  }

  /** Processes the live raw track again under the current choices and sends the result. */
  private async reprocess(kind: InputKind): Promise<void> {
    const raw = this.liveTrack(kind);
    if (!raw) return;
    const result = await this.stages[kind].apply(raw, this.effectChoicesState());
    if (result && this.liveTrack(kind) === raw) this.swapIn(kind, result);
    else result?.replaced?.dispose();
  }

  /** Sends `sent` (while sharing, the screen stays on the wire), then lets go of what it replaced. */
  private swapIn(kind: InputKind, { sent, replaced }: StageResult): void {
    if (kind === 'microphone') {
      sent.enabled = !this.micMutedState();
      this.trackSwapsSubject.next({ kind: 'audio', track: sent });
    } else if (!this.screen()) {
      this.trackSwapsSubject.next({ kind: 'video', track: sent });
    }
    replaced?.dispose();
  }

  /** A running effect gave up: the raw track goes out again, and the user is told in words. */
  private async effectFailed(kind: InputKind): Promise<void> {
    const effect = kind === 'microphone' ? 'noise-suppression' : 'background';
    if (!effectOn(kind, this.effectChoicesState())) return;
    this.effectChoicesState.update((choices) =>
      kind === 'microphone' ? { ...choices, noiseSuppression: false } : { ...choices, background: 'none' },
    );
    this.noticesSubject.next({ code: 'effect-failed', effect });
    await this.reprocess(kind);
  }

  private adopt(kind: InputKind, track: MediaStreamTrack): void {
    // A camera that is off holds no track at all (releaseCamera).
    if (kind === 'microphone') track.enabled = !this.micMutedState();
    // A device unplugged mid-call ends its track; stop() of our own never fires `ended`.
    track.addEventListener('ended', () => {
      if (this.liveTrack(kind) === track) void this.recoverLostDevice(kind);
    });
    (kind === 'camera' ? this.camera : this.audio).set(track);
  }

  private async recoverLostDevice(kind: InputKind): Promise<void> {
    // `ended` and `devicechange` both report one unplug; the first one recovers.
    if (this.recovering.has(kind)) return;
    this.recovering.add(kind);
    try {
      this.noticesSubject.next({ code: 'device-lost', kind });
      await this.reopen(kind, true);
    } finally {
      this.recovering.delete(kind);
    }
  }

  /** A device that vanished from the list takes its live track with it, even where `ended` is late. */
  private async onDeviceChange(): Promise<void> {
    await this.refreshDevices();
    for (const kind of ['camera', 'microphone'] as const) {
      const track = this.liveTrack(kind);
      const deviceId = track?.getSettings?.().deviceId;
      if (!track || !deviceId) continue;
      const listed = this.deviceLists()[kind];
      if (listed.length > 0 && !listed.some((device) => device.id === deviceId)) await this.recoverLostDevice(kind);
    }
  }

  private rememberedInputChoice(): boolean {
    const { camera, microphone } = this.deviceChoices();
    return camera !== null || microphone !== null;
  }

  /** Stops the camera; the call sends nothing in its place (the screen, while sharing, stays). */
  private releaseCamera(): void {
    const track = this.camera();
    if (!track) return;
    this.camera.set(null);
    if (!this.screen()) this.trackSwapsSubject.next({ kind: 'video', track: null });
    this.stages.camera.clear();
    track.stop();
  }

  private liveTrack(kind: InputKind): MediaStreamTrack | null {
    return kind === 'camera' ? this.camera() : this.audio();
  }

  private snapshot(): LocalMediaState {
    return { micMuted: this.micMutedState(), cameraOff: this.cameraOffState(), screenSharing: this.screen() !== null };
  }

  private publishState(): void {
    const next = this.snapshot();
    const previous = this.stateSubject.value;
    if (
      previous.micMuted === next.micMuted &&
      previous.cameraOff === next.cameraOff &&
      previous.screenSharing === next.screenSharing
    ) {
      return;
    }
    this.stateSubject.next(next);
  }
}

function stopTrack(track: MediaStreamTrack | null): void {
  track?.stop();
}
