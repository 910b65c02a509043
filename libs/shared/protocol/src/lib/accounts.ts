import * as z from 'zod/mini';
import { CallIdSchema } from './client-messages';

/**
 * What Duet keeps per user between sessions (issue 24): Web Push subscriptions, so a call rings a
 * closed app, and call history. Only with a stable identity (`AUTH_MODE=jwt` or `oidc`): with
 * `AUTH_MODE=none` a name is first come, first served, so none of this exists (`AuthSettings.accounts`
 * is absent and these endpoints answer 404).
 *
 * Every endpoint below takes the WebSocket's token: `Authorization: Bearer <token>`.
 */
export const PUSH_SUBSCRIPTIONS_PATH = '/api/push-subscriptions';
export const HISTORY_PATH = '/api/history';
/** `POST`: declines a call ringing on your devices with the push's `capability`, no sign-in needed. */
export const RING_DECLINE_PATH = '/api/rings/decline';

/** Most push subscriptions one user may hold (a browser profile each); the next is refused with 409. */
export const MAX_PUSH_SUBSCRIPTIONS = 10;
/** Largest request body the accounts endpoints read (a subscription is a few hundred bytes). */
export const MAX_ACCOUNTS_BODY_BYTES = 4_096;

const base64url = (max: number) => z.string().check(z.minLength(1), z.maxLength(max), z.regex(/^[A-Za-z0-9_-]+={0,2}$/));

/** `PushSubscription.toJSON()`, as the browser gives it: `POST` it to subscribe this browser. */
export const PushSubscriptionBodySchema = z.object({
  endpoint: z.string().check(z.minLength(1), z.maxLength(2_048)),
  expirationTime: z.optional(z.nullable(z.number())),
  keys: z.object({ p256dh: base64url(128), auth: base64url(64) }),
});
export type PushSubscriptionBody = z.infer<typeof PushSubscriptionBodySchema>;

/** `DELETE` body: the endpoint to forget (this browser's). */
export const PushUnsubscribeBodySchema = z.object({ endpoint: z.string().check(z.minLength(1), z.maxLength(2_048)) });
export type PushUnsubscribeBody = z.infer<typeof PushUnsubscribeBodySchema>;

/** `POST RING_DECLINE_PATH` body: the ring's `callId` and the capability its push carried. */
export const RingDeclineBodySchema = z.object({ callId: CallIdSchema, capability: z.string().check(z.minLength(16), z.maxLength(128)) });
export type RingDeclineBody = z.infer<typeof RingDeclineBodySchema>;

/**
 * The decrypted payload of every push Duet sends; the service worker shows one notification per
 * call, tagged `duet-call:<callId>`, so a later push for the same call replaces (or closes) it.
 * - `ring`: someone calls you; `ttlMs` is how long it still rings. `capability` declines this
 *   call only, once (`RING_DECLINE_PATH`), without signing in.
 * - `ring-ended`: that call stopped ringing (answered on another device, cancelled, declined);
 *   `missed` true leaves "Missed call from …" in its place.
 */
export type PushPayload =
  | { readonly kind: 'ring'; readonly caller: string; readonly callId: string; readonly capability: string; readonly ttlMs: number }
  | { readonly kind: 'ring-ended'; readonly caller: string; readonly callId: string; readonly missed: boolean };

/** The notification tag of a call: a second push for it replaces the first. */
export const callNotificationTag = (callId: string): string => `duet-call:${callId}`;

/**
 * Query parameter of the notification's Answer URL, `/?answer=<callId>&key=<capability>`: the app
 * picks that call up without a click, but only when the key's SHA-256 is the picked-up offer's
 * `ringKey`. The caller knows the callId (its `ringing`), so a link it crafts only rings.
 */
export const ANSWER_QUERY_PARAM = 'answer';

/** Query parameter of the Answer URL carrying the ring's capability (the push's), see ANSWER_QUERY_PARAM. */
export const ANSWER_KEY_PARAM = 'key';

/** A ring's capability as the server keeps it and names it in the picked-up offer's `ringKey`: SHA-256, lower-case hex. */
export const RingKeySchema = z.string().check(z.regex(/^[0-9a-f]{64}$/));

export type CallOutcome = 'answered' | 'missed' | 'declined' | 'busy' | 'failed';

/** One call, as one of its parties sees it. Times in ms since the epoch. */
export interface CallRecord {
  readonly id: string;
  readonly callId: string;
  /** The other party. */
  readonly peer: string;
  readonly direction: 'outgoing' | 'incoming';
  readonly outcome: CallOutcome;
  readonly startedAt: number;
  /** 0 unless answered. */
  readonly durationMs: number;
}

/** `GET /api/history?before=<cursor>&limit=<1-100, default 50>`: newest first. */
export interface HistoryPage {
  readonly calls: readonly CallRecord[];
  /** Pass as `before` for the next (older) page; absent on the last page. */
  readonly next?: string;
}
