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
 * The cache name carries a version: bump it when this file changes what it caches; activate
 * deletes every other Duet cache. More event handlers (push, notificationclick) are meant to be
 * added beside these, as their own sections; nothing here needs to change for them.
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
