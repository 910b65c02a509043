import { TestBed } from '@angular/core/testing';
import { InsecureContextError, acquireLocalMedia, classifyMediaError } from './media';
import { RTC_ENVIRONMENT, secureMediaDevices } from './rtc-environment';

describe('the browser environment outside a secure context', () => {
  const devices = { getUserMedia: jest.fn() } as unknown as MediaDevices;

  it('offers media devices only in a secure context that has them', () => {
    expect(secureMediaDevices({ isSecureContext: true, navigator: { mediaDevices: devices } })).toBe(devices);
    expect(secureMediaDevices({ isSecureContext: false, navigator: { mediaDevices: devices } })).toBeNull();
    // What Chromium does on http://<LAN address>: no mediaDevices at all.
    expect(secureMediaDevices({ isSecureContext: false, navigator: {} })).toBeNull();
    expect(secureMediaDevices({ navigator: {} })).toBeNull();
  });

  it('rejects getUserMedia with InsecureContextError, classified as insecure-context (not permission-denied)', async () => {
    // jsdom has no navigator.mediaDevices, like an insecure page.
    const environment = TestBed.inject(RTC_ENVIRONMENT);
    const error = await environment.getUserMedia({ audio: true }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(InsecureContextError);
    expect(classifyMediaError(error)).toBe('insecure-context');
    expect(environment.canShareScreen).toBe(false);
  });

  it('joins receive-only without asking for the microphone alone', async () => {
    const getUserMedia = jest.fn(() => Promise.reject(new InsecureContextError()));
    expect(await acquireLocalMedia(getUserMedia)).toEqual({
      stream: null,
      problem: { reason: 'insecure-context', fallback: 'receive-only' },
    });
    expect(getUserMedia).toHaveBeenCalledTimes(1);
  });
});
