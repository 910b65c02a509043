import { TestBed } from '@angular/core/testing';
import { stubServices } from '../../testing/stub-services';
import { AUDIO_CONTEXT_FACTORY, CallAlertsService } from './call-alerts.service';

/** Just enough Web Audio to count the tones scheduled and stopped. */
function fakeAudio() {
  const started: number[] = [];
  let stopped = 0;
  const param = { value: 0, setValueAtTime: jest.fn(), linearRampToValueAtTime: jest.fn() };
  const context = {
    state: 'running',
    currentTime: 0,
    destination: {},
    resume: jest.fn(async () => undefined),
    close: jest.fn(async () => undefined),
    createGain: () => ({ gain: param, connect: jest.fn() }),
    createOscillator: () => {
      const oscillator = {
        frequency: { value: 0 },
        connect: jest.fn(),
        disconnect: jest.fn(),
        onended: null,
        start: jest.fn(() => started.push(oscillator.frequency.value)),
        stop: jest.fn((when?: number) => {
          if (when === undefined) stopped += 1;
        }),
      };
      return oscillator;
    },
  };
  return { context, started, stoppedNow: () => stopped };
}

describe(CallAlertsService.name, () => {
  afterEach(() => TestBed.resetTestingModule());

  it("names a ringing guest by their display name in the title, never the `guest:…` wire name", () => {
    const stubs = stubServices();
    TestBed.configureTestingModule({
      providers: [...stubs.providers, { provide: AUDIO_CONTEXT_FACTORY, useValue: () => fakeAudio().context }],
    });
    TestBed.inject(CallAlertsService);
    stubs.callIn('ringing', 'guest:alice:<b>Ann</b>');
    TestBed.tick();
    expect(document.title).toContain('<b>Ann</b> (guest) is calling');
    expect(document.title).not.toContain('guest:');
  });

  it('rings while ringing (title too), plays ringback while calling, and falls silent when the call connects', async () => {
    const stubs = stubServices();
    const audio = fakeAudio();
    TestBed.configureTestingModule({
      providers: [...stubs.providers, { provide: AUDIO_CONTEXT_FACTORY, useValue: () => audio.context }],
    });
    document.title = 'Duet';
    TestBed.inject(CallAlertsService);

    stubs.callIn('ringing', 'bob');
    TestBed.tick();
    expect(audio.started).toEqual([660, 880, 660, 880]);
    expect(document.title).toContain('bob is calling');

    stubs.callIn('connecting', 'bob');
    TestBed.tick();
    expect(document.title).toBe('Duet');
    expect(audio.stoppedNow()).toBe(4);

    stubs.callIn('ended', 'bob');
    stubs.callIn('idle');
    stubs.callIn('calling', 'carol');
    TestBed.tick();
    expect(audio.started.slice(4)).toEqual([440, 480]);
  });
});
