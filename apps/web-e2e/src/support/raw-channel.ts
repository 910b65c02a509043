import { Page } from 'playwright-core';

declare global {
  interface Window {
    __raw?: { pc: RTCPeerConnection; channel?: RTCDataChannel; received: number; lastAt: number };
  }
}

/**
 * The baseline for file throughput: a bare RTCDataChannel between two pages, no app, no hashing,
 * no file reads, the same 64 KiB frames and the same backpressure marks as the app. SDP is handed
 * over by the test (non-trickle). Returns MB/s (10^6 bytes per second) for `bytes` bytes.
 */
export async function rawChannelThroughput(sender: Page, receiver: Page, bytes: number): Promise<number> {
  const offer = await sender.evaluate(async () => {
    const pc = new RTCPeerConnection();
    const channel = pc.createDataChannel('raw', { negotiated: true, id: 9, ordered: true });
    window.__raw = { pc, channel, received: 0, lastAt: 0 };
    await pc.setLocalDescription();
    await new Promise<void>((done) => {
      if (pc.iceGatheringState === 'complete') done();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done());
    });
    return pc.localDescription?.sdp ?? '';
  });
  const answer = await receiver.evaluate(async (sdp) => {
    const pc = new RTCPeerConnection();
    const channel = pc.createDataChannel('raw', { negotiated: true, id: 9, ordered: true });
    channel.binaryType = 'arraybuffer';
    const raw = (window.__raw = { pc, channel, received: 0, lastAt: 0 });
    channel.onmessage = ({ data }) => {
      raw.received += (data as ArrayBuffer).byteLength;
      raw.lastAt = Date.now();
    };
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription();
    await new Promise<void>((done) => {
      if (pc.iceGatheringState === 'complete') done();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && done());
    });
    return pc.localDescription?.sdp ?? '';
  }, offer);
  const startedAt = await sender.evaluate(async ({ sdp, total }) => {
    const raw = window.__raw;
    const channel = raw?.channel;
    if (!raw || !channel) throw new Error('no raw channel');
    await raw.pc.setRemoteDescription({ type: 'answer', sdp });
    if (channel.readyState !== 'open') await new Promise((open) => channel.addEventListener('open', open, { once: true }));
    channel.bufferedAmountLowThreshold = 1024 * 1024;
    const frame = new Uint8Array(64 * 1024 + 4);
    crypto.getRandomValues(frame.subarray(0, 65536));
    const started = Date.now();
    for (let sent = 0; sent < total; sent += 64 * 1024) {
      if (channel.bufferedAmount > 8 * 1024 * 1024) {
        await new Promise((low) => channel.addEventListener('bufferedamountlow', low, { once: true }));
      }
      channel.send(frame.subarray(0, Math.min(64 * 1024, total - sent) + 4));
    }
    return started;
  }, { sdp: answer, total: bytes });
  const frames = Math.ceil(bytes / (64 * 1024));
  await receiver.waitForFunction((expected) => (window.__raw?.received ?? 0) >= expected, bytes + frames * 4, {
    timeout: 120_000,
    polling: 50,
  });
  const endedAt = await receiver.evaluate(() => window.__raw?.lastAt ?? 0);
  await Promise.all([sender, receiver].map((page) => page.evaluate(() => window.__raw?.pc.close())));
  return bytes / 1e6 / ((endedAt - startedAt) / 1_000);
}
