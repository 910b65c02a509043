/*
 * Streamed downloads of received files, for browsers without the File System Access API.
 *
 * The page (libs/web/in-call .../files/download-worker-sink.ts) registers this worker with the scope
 * /duet-download/ only, so it never controls the app's own pages. For each file the page posts
 * `start`, then opens /duet-download/<id> in a hidden frame: the worker answers that navigation with a
 * streamed attachment, which the browser's download manager writes to disk as it arrives. The page
 * posts the bytes as `chunk`s; the worker acknowledges each once the download has taken it, so the
 * page never has more than a few MiB in flight. `end` (sent only after the receiver checked the
 * SHA-256) completes the download; `abort` errors it, and the browser marks it failed (Chromium
 * deletes the partial file). Every message is an event that keeps this worker alive; the page pings while a download is
 * open and nothing else flows.
 */
const downloads = new Map();
/** Bytes the download stream may hold before the page is asked to wait. */
const STREAM_HIGH_WATER = 1024 * 1024;
/** How long a frame's request waits for its `start` (the two may arrive in either order). */
const START_WAIT_MS = 10000;

function entryOf(id) {
  let entry = downloads.get(id);
  if (entry) return entry;
  entry = { id, client: null, name: 'file', size: null, owed: 0, controller: null, started: null, markStarted: null };
  entry.started = new Promise((resolve) => (entry.markStarted = resolve));
  entry.stream = new ReadableStream(
    {
      start(controller) {
        entry.controller = controller;
      },
      pull() {
        acknowledge(entry);
      },
      cancel() {
        // The person cancelled the download in the browser: the page stops the transfer.
        downloads.delete(id);
        entry.client?.postMessage({ type: 'duet-download-cancelled', id });
      },
    },
    { highWaterMark: STREAM_HIGH_WATER, size: (chunk) => chunk.byteLength },
  );
  downloads.set(id, entry);
  return entry;
}

function acknowledge(entry) {
  if (entry.owed === 0 || !entry.client) return;
  entry.client.postMessage({ type: 'duet-download-ack', id: entry.id, bytes: entry.owed });
  entry.owed = 0;
}

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('message', (event) => {
  const message = event.data;
  if (!message || typeof message.id !== 'string') return;
  if (message.type === 'start') {
    const entry = entryOf(message.id);
    entry.client = event.source;
    entry.name = String(message.name);
    entry.size = Number.isSafeInteger(message.size) ? message.size : null;
    entry.mime = String(message.mime || 'application/octet-stream');
    entry.markStarted();
    return;
  }
  const entry = downloads.get(message.id);
  if (!entry) return;
  switch (message.type) {
    case 'chunk':
      entry.controller.enqueue(new Uint8Array(message.bytes));
      entry.owed += message.bytes.byteLength;
      if (entry.controller.desiredSize > 0) acknowledge(entry);
      return;
    case 'end':
      downloads.delete(entry.id);
      entry.controller.close();
      return;
    case 'abort':
      downloads.delete(entry.id);
      entry.controller.error(new Error('the file did not check out'));
      return;
  }
});

self.addEventListener('fetch', (event) => {
  const match = /^\/duet-download\/([0-9a-z-]{8,64})$/.exec(new URL(event.request.url).pathname);
  if (match) event.respondWith(respond(match[1]));
});

async function respond(id) {
  const entry = entryOf(id);
  const started = await Promise.race([entry.started.then(() => true), new Promise((r) => setTimeout(r, START_WAIT_MS, false))]);
  if (!started) {
    downloads.delete(id);
    return new Response('No such download.', { status: 404 });
  }
  const headers = {
    'Content-Type': 'application/octet-stream',
    // The name is the sender's: encoded, so it can never break out of the header.
    'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(entry.name)}`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
  if (entry.size !== null) headers['Content-Length'] = String(entry.size);
  return new Response(entry.stream, { headers });
}
