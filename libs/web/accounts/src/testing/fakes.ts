import { Provider } from '@angular/core';
import { AccountSettings, CallRecord, HistoryPage, InviteList } from '@duet/shared/protocol';
import { PREFERENCE_STORAGE } from '@duet/web/rtc';
import { ACCOUNT_SETTINGS } from '../lib/account-settings';
import { AccountsApi } from '../lib/api/accounts-api';

/** A call record with defaults: an incoming missed call from alice. */
export function record(overrides: Partial<CallRecord> & { startedAt: number }): CallRecord {
  return {
    id: `r${overrides.startedAt}`,
    callId: `c${overrides.startedAt}`,
    peer: 'alice',
    direction: 'incoming',
    outcome: 'missed',
    durationMs: 0,
    ...overrides,
  };
}

/** localStorage over a Map the test reads. */
export function mapStorage(map = new Map<string, string>()): Storage {
  return {
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  } as Storage;
}

/** The server's accounts API as jest mocks: `pages` answers `history(before)` by cursor (`''` for the first). */
export function fakeApi(pages: Record<string, HistoryPage> = { '': { calls: [] } }) {
  return {
    history: jest.fn(async (before?: string) => {
      const page = pages[before ?? ''];
      if (!page) throw new Error(`no page ${before}`);
      return page;
    }),
    clearHistory: jest.fn(async () => undefined),
    subscribePush: jest.fn(async () => undefined),
    unsubscribePush: jest.fn(async () => undefined),
    createInvite: jest.fn(async (ttlHours: number) => ({
      id: `i${ttlHours}`,
      createdAt: 1_000,
      expiresAt: 1_000 + ttlHours * 3_600_000,
      url: `https://duet.test/join/token${ttlHours}`,
    })),
    invites: jest.fn(async (): Promise<InviteList> => ({ invites: [] })),
    revokeInvite: jest.fn<Promise<void>, [string]>(async () => undefined),
  };
}

export const SETTINGS: AccountSettings = { pushPublicKey: 'BAECAwQ', invites: { defaultTtlHours: 24 } };

/** Providers for a server with accounts (or without: `settings` null), a fake API and a Map as localStorage. */
export function accountsProviders(api: ReturnType<typeof fakeApi>, storage: Storage, settings: AccountSettings | null = SETTINGS): Provider[] {
  return [
    { provide: AccountsApi, useValue: api },
    { provide: PREFERENCE_STORAGE, useValue: storage },
    { provide: ACCOUNT_SETTINGS, useValue: settings },
  ];
}

/** Lets pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** A browser's push subscription: `endpoint`, the server key it was made with, `toJSON`, `unsubscribe`. */
export function fakeSubscription(endpoint: string, key: Uint8Array) {
  return {
    endpoint,
    options: { applicationServerKey: key.buffer as ArrayBuffer, userVisibleOnly: true },
    toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh: 'p256', auth: 'auth' } }),
    unsubscribe: jest.fn(async () => true),
  };
}

/**
 * The browser side of Web Push: permission, the service worker registration and its pushManager.
 * `subscribe` makes a subscription at `endpoint` unless the test replaces it.
 */
export function fakePushBrowser(options: { permission?: NotificationPermission; registered?: boolean; endpoint?: string } = {}) {
  let current: ReturnType<typeof fakeSubscription> | null = null;
  const pushManager = {
    getSubscription: jest.fn(async () => current),
    subscribe: jest.fn(async ({ applicationServerKey }: { applicationServerKey: Uint8Array }) => {
      current = fakeSubscription(options.endpoint ?? 'https://push.example/e1', applicationServerKey);
      current.unsubscribe.mockImplementation(async () => {
        current = null;
        return true;
      });
      return current;
    }),
  };
  const registration = { pushManager } as unknown as ServiceWorkerRegistration;
  const browser = {
    supported: true,
    permission: jest.fn(() => options.permission ?? 'granted'),
    requestPermission: jest.fn(async (): Promise<NotificationPermission> => 'granted'),
    registration: jest.fn(async () => (options.registered === false ? undefined : registration)),
    readyRegistration: jest.fn(async () => (options.registered === false ? undefined : registration)),
  };
  return {
    browser,
    pushManager,
    /** Gives the browser a subscription made before (another user's, or with another key). */
    existing(endpoint: string, key: Uint8Array) {
      current = fakeSubscription(endpoint, key);
      return current;
    },
    current: () => current,
  };
}
