import { readFileSync } from 'node:fs';
import { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../apps/web-e2e/src/support/browser';
import { browserProcesses } from '../../apps/web-e2e/src/support/browser-processes';
import { DuetUser } from '../../apps/web-e2e/src/support/duet-user';
import { keepPeerConnections } from '../../apps/web-e2e/src/support/peer-connections';
import { RunningServer, startServer } from '../../apps/web-e2e/src/support/server';

/**
 * Measures, does not judge (README.md here): in a real call between two Chromium browsers, the CPU
 * the sending browser spends with noise suppression on and off and with background blur on (its own
 * browser, all processes, from /proc), the frame rate and size blur sends at 640×480 (Chromium's
 * fake camera), and the latency RNNoise adds (the raw microphone against the processed track,
 * recorded side by side in the page; the fake microphone beeps, and each beep's onset is compared).
 */
const WINDOW_MS = Number(process.env['MEASURE_WINDOW_MS'] ?? 10_000);
const TICKS_PER_SECOND = 100;

declare global {
  interface Window {
    __rawAudio?: MediaStreamTrack[];
  }
}

/** Keeps the microphone tracks getUserMedia hands the app (the raw ones, before any effect). */
function keepRawAudio(): void {
  const native = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  const kept: MediaStreamTrack[] = (window.__rawAudio = []);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await native(constraints);
    kept.push(...stream.getAudioTracks());
    return stream;
  };
}

/** CPU seconds used so far by the browser whose command line has `marker`, and all its descendants. */
function browserCpuSeconds(marker: string): number {
  let ticks = 0;
  for (const pid of browserProcesses(marker)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime + stime
    } catch {
      // Gone meanwhile.
    }
  }
  return ticks / TICKS_PER_SECOND;
}

interface SentVideo {
  /** The id of the track on the video sender (the raw camera's, or the processed one's). */
  trackId: string;
  framesSent: number;
  width: number;
  height: number;
}

function sentVideo(page: Page): Promise<SentVideo> {
  return page.evaluate(async () => {
    for (const pc of window.__testPeerConnections ?? []) {
      if (pc.connectionState !== 'connected') continue;
      const trackId = pc.getSenders().find((sender) => sender.track?.kind === 'video')?.track?.id ?? '';
      const stats = await pc.getStats();
      for (const report of stats.values()) {
        if (report.type === 'outbound-rtp' && report.kind === 'video') {
          return { trackId, framesSent: report.framesSent ?? 0, width: report.frameWidth ?? 0, height: report.frameHeight ?? 0 };
        }
      }
    }
    return { trackId: '', framesSent: 0, width: 0, height: 0 };
  });
}

/** One window of `WINDOW_MS`: the sending browser's CPU (% of one core) and the video it sent. */
async function measureWindow(page: Page, marker: string): Promise<{ cpu: number; fps: number; size: string }> {
  const cpuBefore = browserCpuSeconds(marker);
  const videoBefore = await sentVideo(page);
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  const seconds = (Date.now() - started) / 1_000;
  const videoAfter = await sentVideo(page);
  return {
    cpu: ((browserCpuSeconds(marker) - cpuBefore) / seconds) * 100,
    fps: (videoAfter.framesSent - videoBefore.framesSent) / seconds,
    size: `${videoAfter.width}×${videoAfter.height}`,
  };
}

/**
 * The delay between the raw microphone and the track being sent: both recorded side by side for
 * 4 s, and the onset of each beep (the envelope crossing a quarter of its peak) compared.
 */
function addedAudioLatencyMs(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const raw = window.__rawAudio?.find((track) => track.readyState === 'live');
    const sender = (window.__testPeerConnections ?? []).flatMap((pc) => pc.getSenders()).find((s) => s.track?.kind === 'audio');
    if (!raw || !sender?.track) throw new Error('no raw or sent audio track');
    const context = new AudioContext({ sampleRate: 48_000 });
    const merger = context.createChannelMerger(2);
    context.createMediaStreamSource(new MediaStream([raw])).connect(merger, 0, 0);
    context.createMediaStreamSource(new MediaStream([sender.track])).connect(merger, 0, 1);
    const recorder = context.createScriptProcessor(4096, 2, 2);
    const channels: [number[], number[]] = [[], []];
    recorder.onaudioprocess = (event) => {
      for (const c of [0, 1] as const) channels[c].push(...event.inputBuffer.getChannelData(c));
    };
    merger.connect(recorder).connect(context.destination);
    await context.resume();
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await context.close();
    const rate = 48_000;
    const onsets = (samples: number[]) => {
      const envelope: number[] = [];
      const step = rate / 1_000; // 1 ms
      for (let i = 0; i + step <= samples.length; i += step) {
        let peak = 0;
        for (let j = i; j < i + step; j++) peak = Math.max(peak, Math.abs(samples[j]));
        envelope.push(peak);
      }
      const threshold = Math.max(...envelope) / 4;
      const found: number[] = [];
      for (let ms = 1; ms < envelope.length; ms++) {
        if (envelope[ms] >= threshold && envelope[ms - 1] < threshold && (found.length === 0 || ms - found[found.length - 1] > 300)) found.push(ms);
      }
      return found;
    };
    const rawOnsets = onsets(channels[0]);
    const sentOnsets = onsets(channels[1]);
    return rawOnsets
      .map((at) => sentOnsets.find((sent) => sent >= at && sent - at < 300))
      .map((sent, i) => (sent === undefined ? -1 : sent - rawOnsets[i]))
      .filter((delay) => delay >= 0);
  });
}

describe('media effects cost (measurement only)', () => {
  let server: RunningServer;
  let aliceBrowser: Browser;
  let bobBrowser: Browser;

  beforeAll(async () => {
    server = await startServer();
    aliceBrowser = await launchChromium(['--duet-measure=effects-sender']);
    bobBrowser = await launchChromium(['--duet-measure=effects-receiver']);
  }, 60_000);

  afterAll(async () => {
    await aliceBrowser?.close();
    await bobBrowser?.close();
    await server?.stop();
  });

  it('logs CPU with noise suppression on and off, its added latency, and blur fps and CPU at 640×480', async () => {
    const marker = '--duet-measure=effects-sender';
    const alice = await DuetUser.logIn(aliceBrowser, server.baseUrl, 'alice-measure', '/', { initScripts: [keepPeerConnections, keepRawAudio] });
    const bob = await DuetUser.logIn(bobBrowser, server.baseUrl, 'bob-measure');
    await alice.callByName(bob.name);
    await bob.accept();
    await Promise.all([alice.waitForStatus('connected'), bob.waitForStatus('connected')]);
    await Promise.all([alice.waitForRemoteVideo(), bob.waitForRemoteVideo()]);
    await alice.page.getByRole('button', { name: 'Camera, microphone and speaker' }).click();
    const toggle = alice.page.getByTestId('noise-suppression-toggle');
    const lines: string[] = [];

    // Noise suppression is on by default.
    const latencies = await addedAudioLatencyMs(alice.page);
    const nsOn = await measureWindow(alice.page, marker);
    await toggle.click();
    await alice.page.locator('[data-testid="noise-suppression-toggle"][aria-pressed="false"]').waitFor();
    const nsOff = await measureWindow(alice.page, marker);
    // Blur: the sent frames, every 500 ms for 15 s, by size (it steps down, then may turn off).
    const cpuBefore = browserCpuSeconds(marker);
    const blurStarted = Date.now();
    const rawTrackId = (await sentVideo(alice.page)).trackId;
    await alice.page.getByTestId('background-select').selectOption('blur');
    const samples: (SentVideo & { at: number })[] = [];
    while (Date.now() - blurStarted < 15_000) {
      samples.push({ ...(await sentVideo(alice.page)), at: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const blurCpu = ((browserCpuSeconds(marker) - cpuBefore) / ((Date.now() - blurStarted) / 1_000)) * 100;
    const notice = await alice.page.locator('body').innerText();
    const turnedOff = /background effect could not keep up/.test(notice);
    await alice.page.getByTestId('background-select').selectOption('none');
    const bySize = new Map<string, { frames: number; ms: number }>();
    const swappedAt = samples.findIndex((sample) => sample.trackId !== rawTrackId);
    const loadSeconds = swappedAt < 0 ? '(never)' : `${((samples[swappedAt].at - blurStarted) / 1_000).toFixed(1)} s`;
    // Only the processed track's frames count (until it turns itself off and the raw one returns).
    for (let i = Math.max(1, swappedAt + 1); i < samples.length && samples[i].trackId !== rawTrackId; i++) {
      const size = `${samples[i].width}×${samples[i].height}`;
      const entry = bySize.get(size) ?? { frames: 0, ms: 0 };
      entry.frames += samples[i].framesSent - samples[i - 1].framesSent;
      entry.ms += samples[i].at - samples[i - 1].at;
      bySize.set(size, entry);
    }
    const blurFps = [...bySize].map(([size, { frames, ms }]) => `${((frames / ms) * 1_000).toFixed(1)} fps at ${size} for ${(ms / 1_000).toFixed(1)} s`);

    const sorted = [...latencies].sort((a, b) => a - b);
    lines.push(
      `noise suppression added latency: median ${sorted[Math.floor(sorted.length / 2)] ?? '?'} ms (beeps: ${latencies.join(', ')} ms)`,
      `sending browser CPU (% of one core), ${WINDOW_MS / 1_000} s windows: noise suppression on ${nsOn.cpu.toFixed(1)}, off ${nsOff.cpu.toFixed(1)} (difference ${(nsOn.cpu - nsOff.cpu).toFixed(1)})`,
      `blur, the 15 s after choosing it: processed track sent after ${loadSeconds}, then ${blurFps.join('; ')}; CPU ${blurCpu.toFixed(1)} ` +
        `(without: ${nsOff.fps.toFixed(1)} fps at ${nsOff.size}, CPU ${nsOff.cpu.toFixed(1)}); turned itself off: ${turnedOff}`,
    );
    console.log(lines.join('\n'));
    await alice.close();
    await bob.close();
  }, 300_000);
});
