import { Injectable, InjectionToken, inject } from '@angular/core';
import {
  CreatedInvite,
  HISTORY_PATH,
  HistoryPage,
  INVITES_PATH,
  InviteList,
  PUSH_SUBSCRIPTIONS_PATH,
  PushSubscriptionBody,
  PushUnsubscribeBody,
} from '@duet/shared/protocol';
import { AUTH_TOKEN_SOURCE } from '@duet/web/rtc';

/** The page's `fetch`; a token so tests hand in their own server. */
export const ACCOUNTS_FETCH = new InjectionToken<typeof fetch>('ACCOUNTS_FETCH', {
  providedIn: 'root',
  factory: () => (input, init) => fetch(input, init),
});

/** The server refused a request, or could not be reached (`status` 0). `message` is the server's, if it gave one. */
export class AccountsApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'AccountsApiError';
  }
}

/**
 * The signed-in user's data on the server (docs/protocol.md "Accounts"): call history and this
 * browser's push subscription. Each request carries the token the signaling socket uses
 * (`AUTH_TOKEN_SOURCE`: the portal's, or the company sign-in's ID token, renewed when due).
 */
@Injectable({ providedIn: 'root' })
export class AccountsApi {
  private readonly fetch = inject(ACCOUNTS_FETCH);
  private readonly token = inject(AUTH_TOKEN_SOURCE);

  /** Newest first; `before` is the previous page's `next`. */
  async history(before?: string, limit?: number): Promise<HistoryPage> {
    const query = new URLSearchParams();
    if (before !== undefined) query.set('before', before);
    if (limit !== undefined) query.set('limit', String(limit));
    const search = query.size > 0 ? `?${query}` : '';
    const response = await this.request('GET', HISTORY_PATH + search);
    return (await response.json()) as HistoryPage;
  }

  async clearHistory(): Promise<void> {
    await this.request('DELETE', HISTORY_PATH);
  }

  async subscribePush(subscription: PushSubscriptionBody): Promise<void> {
    await this.request('POST', PUSH_SUBSCRIPTIONS_PATH, subscription);
  }

  async unsubscribePush(body: PushUnsubscribeBody): Promise<void> {
    await this.request('DELETE', PUSH_SUBSCRIPTIONS_PATH, body);
  }

  /** A guest invite link lasting `ttlHours` (issue 25); its URL is shown once, the server keeps no copy. */
  async createInvite(ttlHours: number): Promise<CreatedInvite> {
    const response = await this.request('POST', INVITES_PATH, { ttlHours });
    return (await response.json()) as CreatedInvite;
  }

  /** My invites that are neither revoked nor expired, newest first. */
  async invites(): Promise<InviteList> {
    const response = await this.request('GET', INVITES_PATH);
    return (await response.json()) as InviteList;
  }

  /** Revokes one of my invites: its guests are put out of their call and the link stops working. */
  async revokeInvite(id: string): Promise<void> {
    await this.request('DELETE', `${INVITES_PATH}/${encodeURIComponent(id)}`);
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const token = await this.token();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
      });
    } catch (error) {
      throw new AccountsApiError(0, error instanceof Error ? error.message : String(error));
    }
    if (!response.ok) throw new AccountsApiError(response.status, await serverMessage(response));
    return response;
  }
}

/** The `message` of Nest's error body (`{"statusCode":400,"message":"..."}`), else the status text. */
async function serverMessage(response: Response): Promise<string> {
  try {
    const { message } = (await response.json()) as { message?: unknown };
    if (typeof message === 'string' && message !== '') return message;
    if (Array.isArray(message) && typeof message[0] === 'string') return message.join('; ');
  } catch {
    // Not JSON: say the status.
  }
  return response.statusText || `HTTP ${response.status}`;
}
