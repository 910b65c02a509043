/*
 * Duet's app service worker (scope "/"), registered by apps/web/src/main.ts in production builds.
 *
 * It makes Duet installable and says so in words when there is no network; it does not make calls
 * work offline (they cannot). What it does:
 * - install: caches the app shell: index.html, the hashed scripts and styles index.html names, the
 *   offline page and the icons. The hashed file names are read from index.html itself, so no build
 *   step has to list them.
 * - navigations: network first; with no network, the offline page (offline.html).
 * - same-origin hashed build files (main-XXXXXXXX.js, chunk-…, styles-…): cache first, cached on
 *   first use (lazy chunks too). A new build names new files; when a navigation brings an index.html
 *   that names other files, the cache is rebuilt for it, so old builds' files do not pile up.
 * - everything else passes untouched: the signaling socket, /api, /auth, health and metrics, the
 *   download worker's /duet-download/ and anything on another origin (the OpenID provider).
 * - push and notificationclick: a call ringing a closed app (issue 24; the last section).
 * The cache name carries a version: bump it when this file changes what it caches; activate
 * deletes every other Duet cache.
 */
const CACHE = 'duet-shell-v1';
const OFFLINE_PAGE = '/offline.html';
const STATIC_FILES = [OFFLINE_PAGE, '/offline.js', '/manifest.webmanifest', '/icons/icon-192.png', '/icons/icon-512.png'];
/** Paths this worker must never answer: they are live (API, sign-in, socket, probes) or another worker's. */
const NEVER = /^\/(ws|api|auth|healthz|readyz|metrics|duet-download)(\/|$)/;
/** The names Angular's production build gives its output files (outputHashing: all). */
const HASHED = /^\/[\w-]+-[A-Z0-9]{8}\.(js|css|woff2?|ttf|png|svg|jpg|webp)$/;

// ---- install and activate: the shell cache ---------------------------------------------------

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(STATIC_FILES.map((url) => new Request(url, { cache: 'reload' })));
      const index = await fetch('/index.html', { cache: 'reload' });
      if (index.ok) await cacheShell(cache, index);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => name.startsWith('duet-shell-') && name !== CACHE).map((name) => caches.delete(name)));
      await self.clients.claim();
    })(),
  );
});

/** The build files an index.html names (`src`/`href` of its scripts, styles and preloads). */
function filesNamedBy(html) {
  const files = new Set();
  for (const [, url] of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
    const path = new URL(url, self.location.origin + '/');
    if (path.origin === self.location.origin && HASHED.test(path.pathname)) files.add(path.pathname);
  }
  return files;
}

/**
 * Makes the cache hold this index.html and the build files it names. When it names files the cache
 * lacks (a new build), the previous build's hashed files go first.
 */
async function cacheShell(cache, indexResponse) {
  const files = filesNamedBy(await indexResponse.clone().text());
  const cached = new Set((await cache.keys()).map((request) => new URL(request.url).pathname));
  if ([...files].some((file) => !cached.has(file))) {
    const stale = [...cached].filter((path) => HASHED.test(path) && !files.has(path));
    await Promise.all(stale.map((path) => cache.delete(path)));
    await cache.addAll([...files]);
  }
  await cache.put('/index.html', indexResponse);
}

// ---- fetch: what the worker answers ----------------------------------------------------------

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || NEVER.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(event));
  } else if (HASHED.test(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});

/** Network first; the offline page when the network (or the server) cannot be reached. */
async function navigate(event) {
  try {
    const response = await fetch(event.request);
    // A served app page keeps the shell cache on the running build, after the page has its answer.
    if (response.ok && (response.headers.get('content-type') ?? '').startsWith('text/html')) {
      event.waitUntil(caches.open(CACHE).then((cache) => cacheShell(cache, response.clone())).catch(() => undefined));
    }
    return response;
  } catch (error) {
    const offline = await caches.match(OFFLINE_PAGE);
    if (offline) return offline;
    throw error;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(request, copy)).catch(() => undefined);
  }
  return response;
}

// ---- push: a call ringing while Duet is closed -----------------------------------------------
//
// Every push is Duet's server's (only it holds the VAPID key, and the payload is encrypted for
// this browser alone): a `PushPayload` from libs/shared/protocol accounts.ts, one notification per
// call, tagged `duet-call:<callId>` so the next push for that call replaces or closes it.

/** Same as `RING_DECLINE_PATH`, `ANSWER_QUERY_PARAM`, `ANSWER_KEY_PARAM` and `callNotificationTag` in accounts.ts (a worker imports no build file). */
const RING_DECLINE_PATH = '/api/rings/decline';
const ANSWER_QUERY_PARAM = 'answer';
const ANSWER_KEY_PARAM = 'key';
const callTag = (callId) => `duet-call:${callId}`;
/** A payload this worker cannot read gets one notification of its own (see `readPush`). */
const UNREADABLE_TAG = 'duet-unreadable';
const ICON = '/icons/icon-192.png';

self.addEventListener('push', (event) => {
  event.waitUntil(showPush(readPush(event)).catch((error) => console.warn('[sw] push not shown', error)));
});

/**
 * The push's payload, or null when it is not one this worker knows. That is never an attacker
 * (see above) but a server newer or older than this worker (workers update on the next visit):
 * such a push may well have been a call, so it is not dropped silently. It also could not be:
 * Chrome requires every push to show a notification (`userVisibleOnly`), and in its place shows
 * its own "This site has been updated in the background", which says less.
 */
function readPush(event) {
  let payload;
  try {
    payload = event.data?.json();
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null) return null;
  const { kind, callId } = payload;
  // A guest's wire name (`guest:<inviter>:<display name>`) is longer than a member's, and is shown by its display name.
  if (!isText(payload.caller, GUEST_USERNAME_MAX_LENGTH) || !isText(callId, 64)) return null;
  const caller = shownCaller(payload.caller);
  if (kind === 'ring' && isText(payload.capability, 128)) return { kind, caller, callId, capability: payload.capability };
  if (kind === 'ring-ended' && typeof payload.missed === 'boolean') return { kind, caller, callId, missed: payload.missed };
  return null;
}

/** `guest:` + a 64-character inviter + `:` + a 40-unit display name (@duet/shared/protocol's guests.ts). */
const GUEST_USERNAME_MAX_LENGTH = 111;
const GUEST_PREFIX = 'guest:';

/** A member's name as it is; a guest's (issue 25) as "<display name> (guest)", never the wire name. */
function shownCaller(caller) {
  if (!caller.toLowerCase().startsWith(GUEST_PREFIX)) return caller;
  const rest = caller.slice(GUEST_PREFIX.length);
  const colon = rest.indexOf(':');
  return colon > 0 && colon < rest.length - 1 ? `${rest.slice(colon + 1)} (guest)` : caller;
}

function isText(value, maxLength) {
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength;
}

async function showPush(push) {
  if (push === null) {
    await self.registration.showNotification('Duet', {
      body: 'Something happened while Duet was closed. Open Duet to see it.',
      tag: UNREADABLE_TAG,
      icon: ICON,
      data: { kind: 'open' },
    });
    return;
  }
  const tag = callTag(push.callId);
  if (push.kind === 'ring') {
    await self.registration.showNotification(`${push.caller} is calling`, {
      body: 'Duet call',
      tag,
      icon: ICON,
      // A ring stays until it is answered, declined or ended (the server's ring-ended push).
      requireInteraction: true,
      actions: [
        { action: 'answer', title: 'Answer' },
        { action: 'decline', title: 'Decline' },
      ],
      data: { kind: 'ring', callId: push.callId, capability: push.capability },
    });
    return;
  }
  // ring-ended: the ring goes; a missed call leaves a note in its place. A call answered on another
  // device, or declined, leaves nothing: Chrome lets a site skip a notification now and then.
  for (const notification of await self.registration.getNotifications({ tag })) notification.close();
  if (push.missed) {
    await self.registration.showNotification(`Missed call from ${push.caller}`, {
      body: 'Duet',
      tag,
      icon: ICON,
      data: { kind: 'missed' },
    });
  }
}

// ---- notificationclick: answer, decline, open --------------------------------------------------

self.addEventListener('notificationclick', (event) => {
  const { notification, action } = event;
  const data = notification.data ?? {};
  notification.close();
  if (data.kind === 'ring' && action === 'decline') {
    event.waitUntil(decline(data.callId, data.capability));
  } else if (data.kind === 'ring') {
    // Answer, or a click on the notification itself: the app signs in and picks this call up. The
    // capability proves the page came from this push: the caller knows the callId, not the key.
    event.waitUntil(openDuet(answerUrl(data.callId, data.capability)));
  } else {
    event.waitUntil(openDuet('/'));
  }
});

function answerUrl(callId, capability) {
  return `/?${ANSWER_QUERY_PARAM}=${encodeURIComponent(callId)}&${ANSWER_KEY_PARAM}=${encodeURIComponent(capability)}`;
}

/** The capability is the authority: no sign-in, no window. A failed decline still ends at the ring's timeout. */
async function decline(callId, capability) {
  try {
    const response = await fetch(RING_DECLINE_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ callId, capability }),
      credentials: 'omit',
    });
    if (!response.ok) console.warn(`[sw] the decline was refused (HTTP ${response.status}): the call had ended`);
  } catch (error) {
    console.warn('[sw] the decline could not be sent', error);
  }
}

/**
 * Brings Duet to the front at `url`: an open Duet window is focused and navigated there (a second
 * tab would be a second login), else a new window opens. Focus comes first, while the click still
 * allows it.
 */
async function openDuet(url) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (open) {
    try {
      const focused = await open.focus();
      // navigate() works on the windows this worker controls; one it does not gets a new window.
      if (await focused.navigate(url)) return;
    } catch (error) {
      console.warn('[sw] could not bring the open Duet window to the call', error);
    }
  }
  await self.clients.openWindow(url);
}
