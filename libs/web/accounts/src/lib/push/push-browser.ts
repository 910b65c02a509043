import { DOCUMENT, InjectionToken, inject } from '@angular/core';

/**
 * What the push switch needs of the browser, as a seam so its logic is tested without one:
 * Web Push needs a service worker (production builds register apps/web/public/sw.js), the Push API
 * and notifications, all only in a secure context.
 */
export interface PushBrowser {
  /** Whether this browser has the Push API at all (none in an insecure context, or in old Safari). */
  readonly supported: boolean;
  permission(): NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
  /** The app's service worker registration, or undefined when there is none (a development build). */
  registration(): Promise<ServiceWorkerRegistration | undefined>;
  /** The same, once its worker is active (subscribing needs one); undefined when there is none. */
  readyRegistration(): Promise<ServiceWorkerRegistration | undefined>;
}

/**
 * How long `pushManager.subscribe` may take: it asks the browser's push service (FCM for Chromium),
 * which answers in a second or two; a browser that cannot reach it never answers at all.
 */
export const PUSH_SUBSCRIBE_TIMEOUT_MS = 10_000;

/** How long the switch waits for an installing worker to activate before it says it is missing. */
export const WORKER_READY_TIMEOUT_MS = 10_000;

export const PUSH_BROWSER = new InjectionToken<PushBrowser>('PUSH_BROWSER', {
  providedIn: 'root',
  factory: () => pagePushBrowser(inject(DOCUMENT).defaultView),
});

export function pagePushBrowser(page: (Window & typeof globalThis) | null): PushBrowser {
  const container = page?.navigator.serviceWorker;
  const supported = !!page?.isSecureContext && !!container && 'PushManager' in page && 'Notification' in page;
  const registration = async () => (supported ? container?.getRegistration('/') : undefined);
  return {
    supported,
    permission: () => (supported ? page.Notification.permission : 'denied'),
    requestPermission: () => page?.Notification.requestPermission() ?? Promise.resolve('denied'),
    registration,
    readyRegistration: async () => {
      if (!container || !(await registration())) return undefined;
      return withTimeout(container.ready, WORKER_READY_TIMEOUT_MS).catch(() => undefined);
    },
  };
}

/** Rejects with a `TimeoutError` when `promise` has not settled after `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
