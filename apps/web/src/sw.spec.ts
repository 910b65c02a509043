import {
  ANSWER_KEY_PARAM,
  ANSWER_QUERY_PARAM,
  GUEST_DISPLAY_NAME_MAX_LENGTH,
  RING_DECLINE_PATH,
  callNotificationTag,
  guestUsername,
} from '@duet/shared/protocol';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';

const ORIGIN = 'https://duet.example';

interface FakeWindow {
  url: string;
  focus: jest.Mock;
  navigate: jest.Mock;
}

/**
 * public/sw.js run as written, in a context of its own with a fake worker scope: what its push and
 * notificationclick handlers show, open, focus and post. (web-e2e's push-sw spec runs it in
 * Chromium; a click that focuses or opens a window needs a real person's click there, so those
 * paths are checked here.)
 */
function loadWorker(windows: FakeWindow[] = []) {
  const listeners = new Map<string, (event: object) => void>();
  const shown: { title: string; options: Record<string, unknown> }[] = [];
  const registration = {
    showNotification: jest.fn(async (title: string, options: Record<string, unknown>) => void shown.push({ title, options })),
    getNotifications: jest.fn(async () => []),
  };
  const clients = { matchAll: jest.fn(async () => windows), openWindow: jest.fn(async () => null) };
  const fetch = jest.fn(async () => ({ ok: true, status: 204 }));
  const warn = jest.fn();
  const self = {
    addEventListener: (type: string, listener: (event: object) => void) => listeners.set(type, listener),
    registration,
    clients,
    location: { origin: ORIGIN },
  };
  const source = readFileSync(join(__dirname, '..', 'public', 'sw.js'), 'utf8');
  runInNewContext(source, { self, fetch, caches: {}, URL, JSON, console: { warn } });

  /** Dispatches like the browser: resolves once every promise handed to waitUntil has settled, rejects if one rejects. */
  async function dispatch(type: string, event: object): Promise<void> {
    const waits: Promise<unknown>[] = [];
    listeners.get(type)?.({ ...event, waitUntil: (promise: Promise<unknown>) => waits.push(promise) });
    await Promise.all(waits);
  }
  const push = (data: string) => dispatch('push', { data: { json: () => JSON.parse(data) } });
  const click = (data: unknown, action = '') => dispatch('notificationclick', { action, notification: { data, close: jest.fn() } });
  return { shown, registration, clients, fetch, warn, push, click };
}

function openWindow(url: string, navigates = true): FakeWindow {
  const window: FakeWindow = {
    url,
    focus: jest.fn(async () => window),
    navigate: jest.fn(async () => {
      if (!navigates) throw new TypeError('This service worker is not the client’s active service worker.');
      return window;
    }),
  };
  return window;
}

const ring = { kind: 'ring', caller: 'alice', callId: 'call-1', capability: 'c'.repeat(43), ttlMs: 30_000 };
const ringData = { kind: 'ring', callId: 'call-1', capability: ring.capability };
/** The worker keeps its own copies of the protocol's constants (it imports no build file): these tests hold them equal. */
const answerUrl = `/?${ANSWER_QUERY_PARAM}=call-1&${ANSWER_KEY_PARAM}=${ring.capability}`;

describe('the app service worker (public/sw.js)', () => {
  it('shows a ring with Answer and Decline, tagged with the call, kept until acted on', async () => {
    const worker = loadWorker();
    await worker.push(JSON.stringify(ring));
    expect(worker.shown).toEqual([
      {
        title: 'alice is calling',
        options: expect.objectContaining({
          body: 'Duet call',
          tag: callNotificationTag('call-1'),
          requireInteraction: true,
          actions: [
            { action: 'answer', title: 'Answer' },
            { action: 'decline', title: 'Decline' },
          ],
          data: ringData,
        }),
      },
    ]);
  });

  it('names a guest caller by the display name they chose, marked as a guest, never by the wire name', async () => {
    const worker = loadWorker();
    const caller = guestUsername('a'.repeat(64), 'Ann: from <b>Acme</b>'.padEnd(GUEST_DISPLAY_NAME_MAX_LENGTH, '.'));
    await worker.push(JSON.stringify({ ...ring, caller }));
    await worker.push(JSON.stringify({ kind: 'ring-ended', caller, callId: 'call-1', missed: true }));
    const shown = `Ann: from <b>Acme</b>${'.'.repeat(GUEST_DISPLAY_NAME_MAX_LENGTH - 21)} (guest)`;
    expect(worker.shown.map(({ title }) => title)).toEqual([`${shown} is calling`, `Missed call from ${shown}`]);
  });

  it('shows one generic notification, and throws nothing, for a payload it cannot read', async () => {
    const worker = loadWorker();
    await worker.push('not json');
    await worker.push(JSON.stringify({ ...ring, callId: 'x'.repeat(65) }));
    await worker.push(JSON.stringify({ kind: 'ring-ended', caller: 'alice', callId: 'call-1' }));
    expect(worker.shown.map(({ title, options }) => `${title}: ${options['tag']}`)).toEqual([
      'Duet: duet-unreadable',
      'Duet: duet-unreadable',
      'Duet: duet-unreadable',
    ]);
  });

  it('Answer focuses the open Duet window and takes it to /?answer=<callId>&key=<capability>, opening no other', async () => {
    const duet = openWindow(`${ORIGIN}/`);
    const worker = loadWorker([openWindow('https://elsewhere.example/'), duet]);
    await worker.click(ringData, 'answer');
    expect(duet.focus).toHaveBeenCalled();
    expect(duet.navigate).toHaveBeenCalledWith(answerUrl);
    expect(worker.clients.openWindow).not.toHaveBeenCalled();
  });

  it('a click on the ring itself answers too; with no Duet window open, it opens one', async () => {
    const worker = loadWorker([openWindow('https://elsewhere.example/')]);
    await worker.click(ringData);
    expect(worker.clients.openWindow).toHaveBeenCalledWith(answerUrl);
  });

  it('escapes the call id and the capability in the Answer address', async () => {
    const worker = loadWorker();
    await worker.click({ ...ringData, callId: 'a&b', capability: 'k=1+/' }, 'answer');
    expect(worker.clients.openWindow).toHaveBeenCalledWith(`/?${ANSWER_QUERY_PARAM}=a%26b&${ANSWER_KEY_PARAM}=k%3D1%2B%2F`);
  });

  it('opens a window when the open one cannot be navigated (a tab this worker does not control)', async () => {
    const worker = loadWorker([openWindow(`${ORIGIN}/`, false)]);
    await worker.click(ringData, 'answer');
    expect(worker.clients.openWindow).toHaveBeenCalledWith(answerUrl);
  });

  it('Decline posts the call and its capability, and opens or focuses nothing; a refusal is only logged', async () => {
    const duet = openWindow(`${ORIGIN}/`);
    const worker = loadWorker([duet]);
    worker.fetch.mockResolvedValueOnce({ ok: false, status: 404 });
    await worker.click(ringData, 'decline');
    expect(worker.fetch).toHaveBeenCalledWith(RING_DECLINE_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ callId: 'call-1', capability: ring.capability }),
      credentials: 'omit',
    });
    expect(worker.warn).toHaveBeenCalledWith(expect.stringContaining('HTTP 404'));
    expect(duet.focus).not.toHaveBeenCalled();
    expect(worker.clients.openWindow).not.toHaveBeenCalled();
  });

  it('a missed call’s notification opens Duet at /', async () => {
    const worker = loadWorker();
    await worker.click({ kind: 'missed' });
    expect(worker.clients.openWindow).toHaveBeenCalledWith('/');
  });
});
