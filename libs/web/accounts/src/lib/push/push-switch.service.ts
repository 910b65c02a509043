import { Injectable, computed, inject, signal } from '@angular/core';
import { PushSubscriptionBody, usernameKey } from '@duet/shared/protocol';
import { PREFERENCE_STORAGE, readPreference, writePreference } from '@duet/web/rtc';
import { ACCOUNT_SETTINGS } from '../account-settings';
import { LOG_OUT_HOOKS } from '../log-out-hooks';
import { AccountsApi, AccountsApiError } from '../api/accounts-api';
import { PUSH_BROWSER, PUSH_SUBSCRIBE_TIMEOUT_MS, withTimeout } from './push-browser';
import { PushProblem, PushState } from './push-state';

/**
 * localStorage key (per user) of the endpoint this browser registered for that user. A browser has
 * one subscription per site: after bob turned it on in alice's browser profile, alice's switch
 * reads off, since the server now rings bob there.
 */
export const pushEndpointKey = (user: string): string => `duet.push-endpoint.${usernameKey(user)}`;

/**
 * "Ring this browser when Duet is closed": the browser's push subscription (through the app's
 * service worker, with the server's VAPID key) registered on the server for the signed-in user.
 *
 * States: checking → off | on | unsupported | denied; off | denied | no-worker → turning-on → on |
 * off (with a problem) | denied | no-worker; on → turning-off → off. Every wait is bounded: a push service that
 * never answers (Chromium without Google's FCM) ends as "could not be reached", never a spinner.
 */
@Injectable({ providedIn: 'root' })
export class PushSwitchService {
  private readonly api = inject(AccountsApi);
  private readonly browser = inject(PUSH_BROWSER);
  private readonly storage = inject(PREFERENCE_STORAGE);
  private readonly serverKey = inject(ACCOUNT_SETTINGS)?.pushPublicKey ?? null;
  private readonly stateSignal = signal<PushState>({ kind: 'checking' });
  private user: string | null = null;

  readonly state = this.stateSignal.asReadonly();
  readonly busy = computed(() => ['checking', 'turning-on', 'turning-off'].includes(this.stateSignal().kind));

  constructor() {
    inject(LOG_OUT_HOOKS).add(() => this.forget());
  }

  /** Reads whether this browser rings `user` now. */
  async check(user: string): Promise<void> {
    this.user = user;
    this.stateSignal.set({ kind: 'checking' });
    this.stateSignal.set(await this.currentState(user));
  }

  async turnOn(): Promise<void> {
    const user = this.user;
    if (user === null || this.serverKey === null || this.busy()) return;
    this.stateSignal.set({ kind: 'turning-on' });
    this.stateSignal.set(await this.subscribe(user, this.serverKey));
  }

  async turnOff(): Promise<void> {
    const user = this.user;
    if (user === null || this.busy()) return;
    this.stateSignal.set({ kind: 'turning-off' });
    await this.unsubscribe(user);
    this.stateSignal.set({ kind: 'off' });
  }

  /**
   * Log-out (a LOG_OUT_HOOKS step): a browser someone signed out of must not ring them, nor show
   * their callers' names to the next person.
   */
  async forget(): Promise<void> {
    const user = this.user;
    this.user = null;
    if (user === null || this.stateSignal().kind !== 'on') return;
    await this.unsubscribe(user);
    this.stateSignal.set({ kind: 'off' });
  }

  private async currentState(user: string): Promise<PushState> {
    if (!this.browser.supported) return { kind: 'unsupported' };
    if (this.browser.permission() === 'denied') return { kind: 'denied' };
    // No worker yet (it registers once the app runs): no subscription either; turning on waits for it.
    const registration = await this.browser.registration().catch(() => undefined);
    const subscription = (await registration?.pushManager.getSubscription().catch(() => null)) ?? null;
    const ours = subscription !== null && readPreference(this.storage, pushEndpointKey(user)) === subscription.endpoint;
    return { kind: ours ? 'on' : 'off' };
  }

  private async subscribe(user: string, serverKey: string): Promise<PushState> {
    if (!this.browser.supported) return { kind: 'unsupported' };
    const permission =
      this.browser.permission() === 'default' ? await this.browser.requestPermission().catch(() => 'default' as const) : this.browser.permission();
    if (permission === 'denied') return { kind: 'denied' };
    if (permission !== 'granted') return off('not-allowed');
    const registration = await this.browser.readyRegistration();
    if (!registration) return { kind: 'no-worker' };

    let subscription = await registration.pushManager.getSubscription().catch(() => null);
    // A subscription made with another server key (the server's keys changed) cannot be rung: replace it.
    if (subscription && !sameKey(subscription.options.applicationServerKey, serverKey)) {
      await subscription.unsubscribe().catch(() => false);
      subscription = null;
    }
    const created = subscription === null;
    if (subscription === null) {
      try {
        subscription = await withTimeout(
          registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlBytes(serverKey) }),
          PUSH_SUBSCRIBE_TIMEOUT_MS,
        );
      } catch (error) {
        console.warn('[push] the browser could not subscribe', error);
        // Chromium says a refused permission (a private window, a blocked site) as an AbortError.
        if (error instanceof DOMException && (error.name === 'NotAllowedError' || /permission denied/i.test(error.message))) {
          return { kind: 'denied' };
        }
        return off('push-service');
      }
    }
    try {
      await this.api.subscribePush(subscription.toJSON() as PushSubscriptionBody);
    } catch (error) {
      if (created) await subscription.unsubscribe().catch(() => false);
      return off(serverProblem(error));
    }
    writePreference(this.storage, pushEndpointKey(user), subscription.endpoint);
    return { kind: 'on' };
  }

  /** The server forgets the endpoint (else it learns from the push service's 410 at the next call); the browser drops it. */
  private async unsubscribe(user: string): Promise<void> {
    writePreference(this.storage, pushEndpointKey(user), null);
    const registration = await this.browser.registration().catch(() => undefined);
    const subscription = await registration?.pushManager.getSubscription().catch(() => null);
    if (!subscription) return;
    await this.api
      .unsubscribePush({ endpoint: subscription.endpoint })
      .catch((error: unknown) => console.warn('[push] the server was not told to forget this browser', error));
    await subscription.unsubscribe().catch(() => false);
  }
}

function off(problem: PushProblem): PushState {
  return { kind: 'off', problem };
}

function serverProblem(error: unknown): PushProblem {
  if (error instanceof AccountsApiError && error.status === 409) return 'too-many';
  if (error instanceof AccountsApiError && error.status !== 0) return { refused: error.message };
  return 'server-unreachable';
}

export function base64UrlBytes(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

function sameKey(key: ArrayBuffer | null, serverKey: string): boolean {
  if (key === null) return false;
  const ours = base64UrlBytes(serverKey);
  const theirs = new Uint8Array(key);
  return ours.length === theirs.length && ours.every((byte, index) => byte === theirs[index]);
}
