import { Injectable, computed, inject, signal } from '@angular/core';
import { CallRecord, usernameKey } from '@duet/shared/protocol';
import { PREFERENCE_STORAGE, readPreference, writePreference } from '@duet/web/rtc';
import { ACCOUNT_SETTINGS } from '../account-settings';
import { AccountsApi, AccountsApiError } from '../api/accounts-api';
import { clearProblem, historyProblem } from '../accounts-words';

/** localStorage key (per user, `usernameKey`) of the newest call's start the user has seen in the history. */
export const historySeenKey = (user: string): string => `duet.history-seen.${usernameKey(user)}`;

/** Rows per page: the first one also counts the missed calls for the badge. */
export const HISTORY_PAGE_SIZE = 20;

/** Calls that reached the user and were never talked about: no answer, they were busy, or no device could ring. */
export function isMissedIncoming(call: CallRecord): boolean {
  return call.direction === 'incoming' && (call.outcome === 'missed' || call.outcome === 'busy' || call.outcome === 'failed');
}

/**
 * The signed-in user's call history and its missed-call count. The count is the missed incoming
 * calls newer than the newest call the user saw in the open history (kept per user in localStorage,
 * as the server's `startedAt`, so the browser's clock plays no part). Only the first page is counted:
 * the badge says "20 missed calls" at most, which is plenty to make someone look.
 */
@Injectable({ providedIn: 'root' })
export class CallHistoryStore {
  private readonly api = inject(AccountsApi);
  private readonly storage = inject(PREFERENCE_STORAGE);
  /** Whether this server keeps history at all (not with AUTH_MODE=none). */
  readonly available = inject(ACCOUNT_SETTINGS) !== null;

  private user: string | null = null;
  /** Bumped when the user changes or the history is cleared: a late answer for the old state is dropped. */
  private generation = 0;
  private readonly callsState = signal<readonly CallRecord[]>([]);
  private readonly nextState = signal<string | undefined>(undefined);
  private readonly loadingState = signal(false);
  private readonly problemState = signal<string | null>(null);
  private readonly openState = signal(false);
  private readonly seenState = signal(0);
  private readonly loadedState = signal(false);
  private readonly revealState = signal(0);

  readonly calls = this.callsState.asReadonly();
  readonly hasOlder = computed(() => this.nextState() !== undefined);
  readonly loading = this.loadingState.asReadonly();
  /** Whether the first page has come (so "No calls yet." is true, not a guess). */
  readonly loaded = this.loadedState.asReadonly();
  /** Why the last load or clear failed, in words; null when it worked. */
  readonly problem = this.problemState.asReadonly();
  readonly open = this.openState.asReadonly();
  /** Counts the badge's presses: the panel brings the history into view (and focus) at each. */
  readonly revealRequests = this.revealState.asReadonly();
  readonly missedCount = computed(() => {
    if (this.openState()) return 0;
    const seen = this.seenState();
    return this.callsState().filter((call) => isMissedIncoming(call) && call.startedAt > seen).length;
  });

  /** Signed in as `user` (again): loads the newest page; another user starts from nothing. */
  start(user: string): void {
    if (!this.available) return;
    if (this.user === null || usernameKey(this.user) !== usernameKey(user)) {
      this.user = user;
      this.generation++;
      this.callsState.set([]);
      this.nextState.set(undefined);
      this.loadedState.set(false);
      this.openState.set(false);
      this.problemState.set(null);
      this.seenState.set(Number(readPreference(this.storage, historySeenKey(user))) || 0);
    }
    void this.refresh();
  }

  /** Loads the newest page again (after a call, on opening): older pages loaded before are dropped. */
  async refresh(): Promise<void> {
    const generation = this.generation;
    const page = await this.load(() => this.api.history(undefined, HISTORY_PAGE_SIZE), historyProblem, generation);
    if (!page) return;
    this.callsState.set(page.calls);
    this.nextState.set(page.next);
    this.loadedState.set(true);
    if (this.openState()) this.markSeen();
  }

  async loadOlder(): Promise<void> {
    const before = this.nextState();
    if (before === undefined || this.loadingState()) return;
    const generation = this.generation;
    const page = await this.load(() => this.api.history(before, HISTORY_PAGE_SIZE), historyProblem, generation);
    if (!page) return;
    const known = new Set(this.callsState().map((call) => call.id));
    this.callsState.update((calls) => [...calls, ...page.calls.filter((call) => !known.has(call.id))]);
    this.nextState.set(page.next);
  }

  /** Opening the history counts as seeing every call in it: the badge goes. */
  setOpen(open: boolean): void {
    this.openState.set(open);
    if (!open) return;
    this.markSeen();
    void this.refresh();
  }

  /** The missed-calls badge was pressed: open the history and bring it into view. */
  requestReveal(): void {
    this.setOpen(true);
    this.revealState.update((count) => count + 1);
  }

  /** Deletes the user's own rows on the server (the other party keeps theirs). */
  async clear(): Promise<boolean> {
    const generation = this.generation;
    const done = await this.load(() => this.api.clearHistory().then(() => true), clearProblem, generation);
    if (!done) return false;
    this.generation++;
    this.callsState.set([]);
    this.nextState.set(undefined);
    return true;
  }

  private markSeen(): void {
    const newest = Math.max(this.seenState(), ...this.callsState().map((call) => call.startedAt));
    this.seenState.set(newest);
    if (this.user !== null && newest > 0) writePreference(this.storage, historySeenKey(this.user), String(newest));
  }

  /** Runs one request with the loading flag and the problem in words; undefined when it failed or is stale. */
  private async load<T>(request: () => Promise<T>, words: (reason: string) => string, generation: number): Promise<T | undefined> {
    this.loadingState.set(true);
    try {
      const result = await request();
      if (generation !== this.generation) return undefined;
      this.problemState.set(null);
      return result;
    } catch (error) {
      if (generation === this.generation) this.problemState.set(words(reasonOf(error)));
      return undefined;
    } finally {
      if (generation === this.generation) this.loadingState.set(false);
    }
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof AccountsApiError) {
    if (error.status === 0) return 'the server could not be reached';
    if (error.status === 401) return 'your sign-in has expired: sign in again';
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
