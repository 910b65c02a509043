import { Page } from 'playwright-core';

declare global {
  interface Window {
    /** The test's own ear on the remote <video>: the loudest sample of each 50 ms slice. */
    __testEar?: { peaks: number[]; state(): string; stop(): void };
  }
}

/**
 * Runs IN THE PAGE (pass it to evaluate): listens to the remote <video>'s sound the way a person
 * hears it, through an AudioContext analyser that the TEST creates on the element's `srcObject` (the
 * app has no probe for this), keeping the loudest sample of each 50 ms slice in `window.__testEar`.
 */
export function installTestEar(): void {
  window.__testEar?.stop();
  const video = document.querySelector<HTMLVideoElement>('video[data-testid="remote-video"]');
  const stream = video?.srcObject;
  if (!(stream instanceof MediaStream)) throw new Error('the remote video has no stream');
  const context = new AudioContext();
  // Not awaited: a browser that blocks it keeps the promise pending (then nothing is heard, and the
  // ear's state() says why).
  void context.resume();
  const analyser = context.createAnalyser();
  analyser.fftSize = 2048;
  const source = context.createMediaStreamSource(stream);
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const peaks: number[] = [];
  const timer = setInterval(() => {
    analyser.getFloatTimeDomainData(samples);
    let peak = 0;
    for (const sample of samples) peak = Math.max(peak, Math.abs(sample));
    peaks.push(peak);
    if (peaks.length > 400) peaks.shift();
  }, 50);
  window.__testEar = {
    peaks,
    state: () => context.state,
    stop: () => {
      clearInterval(timer);
      source.disconnect();
      void context.close();
    },
  };
}

export async function startListening(page: Page): Promise<void> {
  await page.evaluate(installTestEar);
}

/**
 * Waits until the last `windowMs` of sound were all silent (`silent`) or had a clearly audible
 * moment (!`silent`). The fake microphone beeps in short bursts, so a window is what is judged.
 */
export async function waitForSound(page: Page, silent: boolean, windowMs = 1_500, timeout = 15_000): Promise<number> {
  try {
    const handle = await page.waitForFunction(
      ({ silent, slices }) => {
        const peaks = window.__testEar?.peaks ?? [];
        if (peaks.length < slices) return false;
        const loudest = Math.max(...peaks.slice(-slices));
        const ok = silent ? loudest < 0.01 : loudest > 0.05;
        // An object, not the number: a silent 0 would read as "not yet".
        return ok ? { loudest } : false;
      },
      { silent, slices: Math.ceil(windowMs / 50) },
      { timeout, polling: 100 },
    );
    return ((await handle.jsonValue()) as { loudest: number }).loudest;
  } catch (error) {
    const recent = await page.evaluate(() => (window.__testEar?.peaks ?? []).slice(-60).map((peak) => peak.toFixed(3)));
    throw new Error(`never ${silent ? 'silent' : 'audible'}; last peaks: ${recent.join(' ')} (${(error as Error).message})`);
  }
}

export async function stopListening(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.__testEar?.stop();
    delete window.__testEar;
  });
}

/** The label of the local <video>'s track of `kind`: which device the page is sending. */
export function localTrackLabel(page: Page, kind: 'audio' | 'video'): Promise<string | null> {
  return page.evaluate((kind) => {
    const stream = document.querySelector<HTMLVideoElement>('video[data-testid="local-video"]')?.srcObject;
    if (!(stream instanceof MediaStream)) return null;
    const [track] = kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks();
    return track?.label ?? null;
  }, kind);
}

interface Size {
  width: number;
  height: number;
}

/**
 * How far an encoder may move a dimension: it rounds odd sizes to even ones (Chromium's synthetic
 * screen of 375 px arrives 374 px wide). A person sees the same picture, so no test asks for more.
 */
const ENCODER_ROUNDING_PX = 2;

function withinRounding(a: Size, b: Size): boolean {
  return Math.abs(a.width - b.width) <= ENCODER_ROUNDING_PX && Math.abs(a.height - b.height) <= ENCODER_ROUNDING_PX;
}

/** The size of the frame a page's <video> presents now (0×0 before its first frame). */
export function videoFrameSize(page: Page, testId: 'local-video' | 'remote-video'): Promise<Size> {
  return page.evaluate((testId) => {
    const video = document.querySelector<HTMLVideoElement>(`video[data-testid="${testId}"]`);
    return { width: video?.videoWidth ?? 0, height: video?.videoHeight ?? 0 };
  }, testId);
}

/**
 * Waits until what `receiver` sees is what `sender` sees of its own picture (its self-view), within
 * the encoder's rounding. Both sides are read afresh each time: a shared screen's size settles only
 * after its first frames (Chromium reports the window's size at first), so no size is fixed up front.
 * `unlike` is a picture it must not be (the camera's, while a screen share starts). Resolves with
 * the size the sender shows.
 */
export async function waitForSamePicture(sender: Page, receiver: Page, unlike: Size, timeout = 20_000): Promise<Size> {
  const deadline = Date.now() + timeout;
  let sent: Size = { width: 0, height: 0 };
  let seen: Size = { width: 0, height: 0 };
  while (Date.now() < deadline) {
    [sent, seen] = await Promise.all([videoFrameSize(sender, 'local-video'), videoFrameSize(receiver, 'remote-video')]);
    if (sent.width > 0 && !withinRounding(sent, unlike) && withinRounding(sent, seen)) return sent;
    await receiver.waitForTimeout(100);
  }
  throw new Error(
    `the receiver shows ${seen.width}×${seen.height}, the sender's self-view ${sent.width}×${sent.height} (not to be ${unlike.width}×${unlike.height})`,
  );
}

/**
 * Waits for the remote <video> to show the camera again after a screen share: a frame of the
 * camera's shape, no larger than the camera, and not of the screen's size. Not the camera's exact
 * size: on a busy machine WebRTC scales a camera down to keep up (640×480 to 480×360 or 320×240),
 * though never a screen, whose content hint keeps its resolution.
 */
export async function waitForRemoteCamera(page: Page, camera: Size, screen: Size, timeout = 20_000): Promise<void> {
  await page.waitForFunction(
    ({ camera, screen, rounding }) => {
      const video = document.querySelector<HTMLVideoElement>('video[data-testid="remote-video"]');
      const width = video?.videoWidth ?? 0;
      const height = video?.videoHeight ?? 0;
      if (!width || !height || width > camera.width) return false;
      // The screen, within the encoder's rounding, is not the camera.
      if (Math.abs(width - screen.width) <= rounding && Math.abs(height - screen.height) <= rounding) return false;
      // Scaled sizes are rounded to whole (often even) pixels: allow 2 % on the aspect ratio.
      return Math.abs(width / height / (camera.width / camera.height) - 1) < 0.02;
    },
    { camera, screen, rounding: ENCODER_ROUNDING_PX },
    { timeout, polling: 100 },
  );
}

/** The size of the video the page is sending, as its self-view's track reports it. */
export function sentVideoSize(page: Page): Promise<{ width: number; height: number }> {
  return page.evaluate(() => {
    const stream = document.querySelector<HTMLVideoElement>('video[data-testid="local-video"]')?.srcObject;
    const settings = stream instanceof MediaStream ? stream.getVideoTracks()[0]?.getSettings() : undefined;
    return { width: settings?.width ?? 0, height: settings?.height ?? 0 };
  });
}

declare global {
  interface Window {
    /** When (epoch ms) each remote video frame was presented, recorded by the test. */
    __frameTimes?: number[];
  }
}

/** Records, in the page, the time of every frame the remote <video> presents from now on. */
export async function startFrameLog(page: Page): Promise<void> {
  await page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('video[data-testid="remote-video"]');
    if (!video) throw new Error('no remote video');
    const times: number[] = (window.__frameTimes = []);
    const tick = () => {
      times.push(Date.now());
      if (times.length > 20_000) times.shift();
      video.requestVideoFrameCallback(tick);
    };
    video.requestVideoFrameCallback(tick);
  });
}

/**
 * The longest stretch without a frame since `since` (epoch ms): when the last frame before it was
 * shown and when the picture moved again.
 */
export async function longestFrameGap(page: Page, since: number): Promise<{ lastBefore: number; firstAfter: number; gapMs: number }> {
  const times = await page.evaluate(() => [...(window.__frameTimes ?? [])]);
  let best = { lastBefore: since, firstAfter: since, gapMs: 0 };
  for (let i = 1; i < times.length; i++) {
    if (times[i] < since) continue;
    const gapMs = times[i] - Math.max(times[i - 1], since);
    if (gapMs > best.gapMs) best = { lastBefore: times[i - 1], firstAfter: times[i], gapMs };
  }
  return best;
}

declare global {
  interface Window {
    /** What the page said to its user, or to assistive technology, since the test started listening. */
    __announcements?: { at: number; text: string }[];
  }
}

/**
 * Records, from inside the page, everything it says: the notice (`error-message`) and every change
 * in a live region (`role=alert`, `role=status`, `aria-live`) — what a screen reader would announce.
 */
export async function startAnnouncementLog(page: Page): Promise<void> {
  await page.evaluate(() => {
    const log: { at: number; text: string }[] = (window.__announcements = []);
    const live = '[role="alert"], [role="status"], [aria-live], [data-testid="error-message"]';
    const record = (node: Node | null) => {
      const element = node instanceof Element ? node : node?.parentElement;
      const region = element?.closest(live) ?? (element?.querySelector(live) as Element | null | undefined);
      if (region) log.push({ at: Date.now(), text: region.textContent?.trim() ?? '' });
    };
    new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        if (mutation.type === 'characterData') record(mutation.target);
        mutation.addedNodes.forEach((node) => record(node));
        if (mutation.removedNodes.length > 0) record(mutation.target);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

export function announcements(page: Page): Promise<{ at: number; text: string }[]> {
  return page.evaluate(() => [...(window.__announcements ?? [])]);
}
