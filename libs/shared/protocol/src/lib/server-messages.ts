import * as z from 'zod/mini';
import { RingKeySchema } from './accounts';
import { CallReportKeyMessageSchema } from './call-reports';
import {
  AnswerDescriptionSchema,
  AvailabilitySchema,
  DeclineReasonSchema,
  IceCandidateSchema,
  OfferDescriptionSchema,
  CallIdSchema,
  RejoinKeySchema,
} from './client-messages';
import { CloseReasonSchema, ErrorCodeSchema, LoginFailureReasonSchema, TokenFailureReasonSchema } from './error-codes';

const Username = z.string();
/** Every server message about a call names it; optional only so older servers' messages still parse. */
const callId = z.optional(CallIdSchema);

/** `RTCIceTransportPolicy`: which candidates a browser may use. */
export const IceTransportPolicySchema = z.enum(['all', 'relay']);

/** `RTCIceServer`, as the browser's `RTCPeerConnection` takes it. */
export const IceServerSchema = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.optional(z.string()),
  credential: z.optional(z.string()),
});

export const LoginSuccessMessageSchema = z.object({
  type: z.literal('login'),
  success: z.literal(true),
  username: Username,
  /** The ICE servers this deployment's operator chose; empty means host candidates only. */
  iceServers: z.array(IceServerSchema),
  /**
   * `"relay"` when the operator forces every call through TURN (`ICE_TRANSPORT_POLICY=relay`), for
   * `new RTCPeerConnection({iceServers, iceTransportPolicy})`; absent means `"all"`.
   */
  iceTransportPolicy: z.optional(IceTransportPolicySchema),
  /**
   * The most kbit/s the operator lets a browser's video sender use (`MAX_VIDEO_BITRATE_KBPS`), for
   * `RTCRtpSender.setParameters` (`encodings[].maxBitrate`); absent means no cap.
   */
  maxVideoBitrateKbps: z.optional(z.number()),
  /**
   * Single-use: if the socket drops, log in on a new one with it within `resumeWindowMs` to take
   * the session back (name, call, messages queued meanwhile). Each login reply brings a new one.
   */
  resumeToken: z.optional(z.string()),
  resumeWindowMs: z.optional(z.number()),
  /**
   * How long the server lets a call ring before it ends it with `close` reason `timeout`
   * (`RING_TIMEOUT_MS`); sent with `resumeWindowMs`. A client giving up on its own waits longer.
   */
  ringTimeoutMs: z.optional(z.number()),
  /** True when this login took over a dropped session. */
  resumed: z.optional(z.boolean()),
  /** The call the session is in, when it resumed into one. */
  call: z.optional(
    z.object({ callId: CallIdSchema, otherUsername: Username, state: z.enum(['ringing', 'active']) }),
  ),
});
export const LoginFailureMessageSchema = z.object({
  type: z.literal('login'),
  success: z.literal(false),
  reason: LoginFailureReasonSchema,
  message: z.string(),
});
export const LoginResultMessageSchema = z.discriminatedUnion('success', [
  LoginSuccessMessageSchema,
  LoginFailureMessageSchema,
]);

/**
 * The answer to `token`: the connection now ends at `expiresAt` (ms since the epoch; absent only
 * for credentials that never expire, which Duet's own authenticators never issue)...
 */
export const TokenSuccessMessageSchema = z.object({
  type: z.literal('token'),
  success: z.literal(true),
  expiresAt: z.optional(z.number()),
});
/** ...or the token was refused and the old expiry stands. */
export const TokenFailureMessageSchema = z.object({
  type: z.literal('token'),
  success: z.literal(false),
  reason: TokenFailureReasonSchema,
  message: z.string(),
});
export const TokenResultMessageSchema = z.discriminatedUnion('success', [
  TokenSuccessMessageSchema,
  TokenFailureMessageSchema,
]);

/** The relayed messages: `username` is always the sender, as the server knows it. */
export const RelayedOfferMessageSchema = z.object({
  type: z.literal('offer'),
  offer: OfferDescriptionSchema,
  username: Username,
  callId,
  /** As the caller sent it (client-messages.ts, OfferMessageSchema). */
  rejoin: z.optional(RejoinKeySchema),
  /**
   * This offer picks up a call that rang your devices while you were offline (its `callId` in the
   * push, see accounts.ts): an app opened from that notification's Answer accepts it without a click.
   */
  ring: z.optional(CallIdSchema),
  /**
   * With `ring`: the SHA-256 (hex) of that ring's capability, which only the callee's devices know
   * (the caller learns the ring's callId, so the callId alone must not answer). The app accepts
   * without a click only when the Answer address's `key` hashes to this (accounts.ts, ANSWER_KEY_PARAM).
   */
  ringKey: z.optional(RingKeySchema),
});
export const RelayedAnswerMessageSchema = z.object({
  type: z.literal('answer'),
  answer: AnswerDescriptionSchema,
  username: Username,
  callId,
});
export const RelayedCandidateMessageSchema = z.object({
  type: z.literal('candidate'),
  candidate: IceCandidateSchema,
  username: Username,
  callId,
});
export const PeerClosedMessageSchema = z.object({
  type: z.literal('close'),
  username: Username,
  reason: CloseReasonSchema,
  callId,
});
export const PeerDeclinedMessageSchema = z.object({
  type: z.literal('decline'),
  username: Username,
  reason: DeclineReasonSchema,
  callId,
});
/**
 * New ICE servers for this session, sent before the login reply's TURN credentials expire: apply
 * them (`RTCPeerConnection.setConfiguration`) so a later ICE restart uses fresh ones.
 */
export const IceServersMessageSchema = z.object({
  type: z.literal('ice-servers'),
  iceServers: z.array(IceServerSchema),
  iceTransportPolicy: z.optional(IceTransportPolicySchema),
});
/** To the caller: the call to `username` exists and rings; its id, for the caller's later messages. */
export const RingingMessageSchema = z.object({
  type: z.literal('ringing'),
  username: Username,
  callId: CallIdSchema,
  /**
   * `username` is offline: the server rings their devices (Web Push) for up to the ring timeout
   * and keeps your offer meanwhile. If they answer, `ringing` comes again with the call's new id and
   * `replaces` naming this one; if not, `close` (reason `timeout`, or `unreachable` when no device
   * could be rung) or `decline` ends it. Your `close` with this `callId` cancels it.
   */
  devices: z.optional(z.literal(true)),
  /** The device ring (its `callId`) that this call continues: adopt the new `callId`. */
  replaces: z.optional(CallIdSchema),
});
/**
 * The other party of your call lost its signaling connection (`reconnecting`; media may still
 * flow) or got it back (`reconnected`). If it does not come back within the resume window, `close`
 * with reason `disconnected` follows.
 */
export const PeerReconnectingMessageSchema = z.object({
  type: z.literal('reconnecting'),
  username: Username,
  callId: CallIdSchema,
});
export const PeerReconnectedMessageSchema = z.object({
  type: z.literal('reconnected'),
  username: Username,
  callId: CallIdSchema,
});

/** Someone who said they are not `available` (`AvailabilitySchema`): only those appear in `statuses`. */
export const UserStatusSchema = z.object({ username: Username, availability: z.enum(['busy', 'dnd']) });

/**
 * Sent once after login: who is online. At most `limit` names; `total` counts everyone.
 * Past the limit the list is a sample and `presence` updates stop (see docs/protocol.md).
 */
export const UsersMessageSchema = z.object({
  type: z.literal('users'),
  users: z.array(Username),
  total: z.number().check(z.int(), z.minimum(0)),
  truncated: z.boolean(),
  /** Those of `users` who are in a call (ringing or active); absent when nobody is. */
  busy: z.optional(z.array(Username)),
  /** Those of `users` who set `busy` or `dnd` (`availability`); absent when nobody did. */
  statuses: z.optional(z.array(UserStatusSchema)),
});
/**
 * `username` logged in or left (`online`), or, still online, started or ended a call (`busy`, set
 * only on those updates). Pushed only while at most `PRESENCE_LIMIT` users are online.
 */
export const PresenceMessageSchema = z.object({
  type: z.literal('presence'),
  username: Username,
  online: z.boolean(),
  busy: z.optional(z.boolean()),
  /** Set on the update sent when `username` changed their availability (and on a login with one already set). */
  availability: z.optional(AvailabilitySchema),
});
/** The answer to `search`: at most `SEARCH_LIMIT` names starting with `prefix` (any case), in name order. */
export const SearchResultsMessageSchema = z.object({
  type: z.literal('search'),
  prefix: z.string(),
  users: z.array(Username),
  /** More names start with `prefix` than were sent: type more of the name. */
  more: z.boolean(),
  /** Those of `users` who are in a call; absent when nobody is. */
  busy: z.optional(z.array(Username)),
  /** Those of `users` who set `busy` or `dnd`; absent when nobody did. */
  statuses: z.optional(z.array(UserStatusSchema)),
});
/** The answer to `availability`: what the server now shows others. */
export const AvailabilitySetMessageSchema = z.object({
  type: z.literal('availability'),
  availability: AvailabilitySchema,
});
/**
 * To a member only: their guest `username` (a guest's wire name, see guests.ts) came online or
 * left. Sent on each change and, after the member's login, once per guest already online. Guests
 * never appear in `users`, `presence` or `search`.
 */
export const GuestMessageSchema = z.object({
  type: z.literal('guest'),
  username: Username,
  online: z.boolean(),
});
export const ErrorMessageSchema = z.object({
  type: z.literal('error'),
  code: ErrorCodeSchema,
  message: z.string(),
  /** The `type` of the message that caused the error, when it had one. */
  replyTo: z.optional(z.string()),
});

/**
 * Every message the server sends. `login` and `token` results are unions of their own (keyed by
 * `success`), so they are validated before the `type` switch.
 */
export const ServerMessageSchema = z.union([
  LoginResultMessageSchema,
  TokenResultMessageSchema,
  z.discriminatedUnion('type', [
    RelayedOfferMessageSchema,
    RelayedAnswerMessageSchema,
    RelayedCandidateMessageSchema,
    PeerClosedMessageSchema,
    PeerDeclinedMessageSchema,
    RingingMessageSchema,
    IceServersMessageSchema,
    PeerReconnectingMessageSchema,
    PeerReconnectedMessageSchema,
    UsersMessageSchema,
    PresenceMessageSchema,
    SearchResultsMessageSchema,
    AvailabilitySetMessageSchema,
    GuestMessageSchema,
    CallReportKeyMessageSchema,
    ErrorMessageSchema,
  ]),
]);

export type IceServer = z.infer<typeof IceServerSchema>;
export type IceTransportPolicy = z.infer<typeof IceTransportPolicySchema>;
export type LoginSuccessMessage = z.infer<typeof LoginSuccessMessageSchema>;
export type LoginFailureMessage = z.infer<typeof LoginFailureMessageSchema>;
export type LoginResultMessage = z.infer<typeof LoginResultMessageSchema>;
export type TokenSuccessMessage = z.infer<typeof TokenSuccessMessageSchema>;
export type TokenFailureMessage = z.infer<typeof TokenFailureMessageSchema>;
export type TokenResultMessage = z.infer<typeof TokenResultMessageSchema>;
export type RelayedOfferMessage = z.infer<typeof RelayedOfferMessageSchema>;
export type RelayedAnswerMessage = z.infer<typeof RelayedAnswerMessageSchema>;
export type RelayedCandidateMessage = z.infer<typeof RelayedCandidateMessageSchema>;
export type PeerClosedMessage = z.infer<typeof PeerClosedMessageSchema>;
export type PeerDeclinedMessage = z.infer<typeof PeerDeclinedMessageSchema>;
export type RingingMessage = z.infer<typeof RingingMessageSchema>;
export type IceServersMessage = z.infer<typeof IceServersMessageSchema>;
export type PeerReconnectingMessage = z.infer<typeof PeerReconnectingMessageSchema>;
export type PeerReconnectedMessage = z.infer<typeof PeerReconnectedMessageSchema>;
export type UsersMessage = z.infer<typeof UsersMessageSchema>;
export type PresenceMessage = z.infer<typeof PresenceMessageSchema>;
export type SearchResultsMessage = z.infer<typeof SearchResultsMessageSchema>;
export type ErrorMessage = z.infer<typeof ErrorMessageSchema>;
export type UserStatus = z.infer<typeof UserStatusSchema>;
export type AvailabilitySetMessage = z.infer<typeof AvailabilitySetMessageSchema>;
export type GuestMessage = z.infer<typeof GuestMessageSchema>;
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
