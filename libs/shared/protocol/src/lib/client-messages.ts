import * as z from 'zod/mini';
import { GUEST_DISPLAY_NAME_MAX_LENGTH, normalizeDisplayName, parseGuestUsername } from './guests';
import { isValidUsername, USERNAME_MAX_LENGTH, USERNAME_RULE } from './username';

/** SDPs of a video call run to a few kB; this bound sits well inside the server's frame cap. */
export const SDP_MAX_LENGTH = 32_768;
export const CANDIDATE_MAX_LENGTH = 1_024;

/** A target name: any string of sane length. A name that cannot exist is simply not online. */
const TargetSchema = z.string().check(z.minLength(1), z.maxLength(USERNAME_MAX_LENGTH * 2));

/**
 * The server's name for one call, in every server message about it. A client may send it back on
 * its own messages of that call, so a late message of a call that ended never reaches the next one.
 */
export const CALL_ID_MAX_LENGTH = 64;
export const CallIdSchema = z.string().check(z.minLength(1), z.maxLength(CALL_ID_MAX_LENGTH));
const callId = z.optional(CallIdSchema);

/** What the login reply's `resumeToken` was; opaque to clients. */
export const RESUME_TOKEN_MAX_LENGTH = 128;

export const OfferDescriptionSchema = z.object({
  type: z.literal('offer'),
  sdp: z.string().check(z.maxLength(SDP_MAX_LENGTH)),
});
export const AnswerDescriptionSchema = z.object({
  type: z.literal('answer'),
  sdp: z.string().check(z.maxLength(SDP_MAX_LENGTH)),
});

/** `RTCIceCandidateInit`, as `JSON.stringify(event.candidate)` produces it. */
export const IceCandidateSchema = z.object({
  candidate: z.string().check(z.maxLength(CANDIDATE_MAX_LENGTH)),
  sdpMid: z.nullish(z.string().check(z.maxLength(64))),
  sdpMLineIndex: z.nullish(z.number().check(z.int(), z.minimum(0), z.maximum(1_023))),
  usernameFragment: z.nullish(z.string().check(z.maxLength(256))),
});

/**
 * After a restart the server knows no calls: a client that was in one names it, and the server
 * puts it back together once the other party names the same call.
 */
export const CallClaimSchema = z.object({
  callId: CallIdSchema,
  otherUsername: TargetSchema,
});

/**
 * The name a login asks for: a member's (`USERNAME_RULE`), or a guest's own wire name (a guest
 * client may state it; the server holds it to the guest token's name, and refuses the guest
 * namespace to everyone else).
 */
const LoginNameSchema = z
  .string()
  .check(z.maxLength(USERNAME_MAX_LENGTH + GUEST_DISPLAY_NAME_MAX_LENGTH + 8, USERNAME_RULE), z.refine((name) => isValidUsername(name) || isGuestWireName(name), USERNAME_RULE));

function isGuestWireName(name: string): boolean {
  const guest = parseGuestUsername(name);
  return guest !== undefined && normalizeDisplayName(guest.displayName) === guest.displayName;
}

export const LoginMessageSchema = z.object({
  type: z.literal('login'),
  /**
   * Optional only on a connection whose credentials name the user (JWT, company sign-in): it then
   * logs in as that name. Without such credentials the server refuses a name-less login as invalid.
   */
  username: z.optional(LoginNameSchema),
  /**
   * The client can resume (it keeps the reply's `resumeToken` and logs in with it after a drop):
   * only then does the server hold its session when the socket drops. Without it (the tutorial's
   * clients) a drop ends the session at once. A login that shows a `resumeToken` opts in too.
   */
  resume: z.optional(z.boolean()),
  /** The token of a session whose socket dropped: take it over, call and queued messages included. */
  resumeToken: z.optional(z.string().check(z.minLength(1), z.maxLength(RESUME_TOKEN_MAX_LENGTH))),
  /** The call this client was in, for when the server no longer has the session (restart). */
  call: z.optional(CallClaimSchema),
});
/**
 * Opaque to the server, relayed with the offer: what a page that reloaded mid-call got from its
 * peer (over their data channel) to be taken back without a click. Web clients send 32 hex digits.
 */
export const REJOIN_KEY_MAX_LENGTH = 64;
export const RejoinKeySchema = z.string().check(z.minLength(1), z.maxLength(REJOIN_KEY_MAX_LENGTH));
export const OfferMessageSchema = z.object({
  type: z.literal('offer'),
  offer: OfferDescriptionSchema,
  otherUsername: TargetSchema,
  callId,
  rejoin: z.optional(RejoinKeySchema),
});
export const AnswerMessageSchema = z.object({
  type: z.literal('answer'),
  answer: AnswerDescriptionSchema,
  otherUsername: TargetSchema,
  callId,
});
export const CandidateMessageSchema = z.object({
  type: z.literal('candidate'),
  candidate: IceCandidateSchema,
  otherUsername: TargetSchema,
  callId,
});
/** `otherUsername` may be left out: `close` then ends whatever call the sender is in. */
export const CloseMessageSchema = z.object({
  type: z.literal('close'),
  otherUsername: z.optional(TargetSchema),
  callId,
});
/** `dnd`: the callee is on do-not-disturb (the server declines for them; see `availability`). */
export const DeclineReasonSchema = z.enum(['declined', 'busy', 'dnd']);
export const DeclineMessageSchema = z.object({
  type: z.literal('decline'),
  otherUsername: TargetSchema,
  reason: z.optional(DeclineReasonSchema),
  callId,
});

/**
 * The most names one `search` answers with. A directory of any size is searched at the cost of
 * these few, so typing a name's first letters is how people find each other past `PRESENCE_LIMIT`.
 */
export const SEARCH_LIMIT = 20;

/** The start of a name, in any letter case; empty lists the directory from its first name. */
export const SearchMessageSchema = z.object({
  type: z.literal('search'),
  prefix: z
    .string()
    .check(
      z.maxLength(USERNAME_MAX_LENGTH),
      z.regex(/^[A-Za-z0-9._@-]*$/, 'may hold only what names hold: letters, digits, ".", "_", "-" or "@"'),
    ),
});

/** A JWT is a few hundred bytes to a few kB (an ID token with groups); this bounds the rest. */
export const TOKEN_MAX_LENGTH = 16_384;

/**
 * Fresh credentials for this connection (after login), verified like the upgrade's: they must
 * name the same user. The socket then ends at their expiry instead of the old one's.
 */
export const TokenMessageSchema = z.object({
  type: z.literal('token'),
  token: z.string().check(z.minLength(1), z.maxLength(TOKEN_MAX_LENGTH)),
});

/**
 * What the user says about taking calls (issue 25), shown to others in presence: `available`,
 * `busy` (calls still ring), or `dnd` (do not disturb: the server declines calls with reason
 * `dnd`). Being in a call is another matter (presence's `busy`), and automatic.
 */
export const AvailabilitySchema = z.enum(['available', 'busy', 'dnd']);

/** Sets the sender's availability until changed or logged out; answered with the same message. */
export const AvailabilityMessageSchema = z.object({
  type: z.literal('availability'),
  availability: AvailabilitySchema,
});

/** Every message a client may send. Unknown fields are dropped, never relayed. */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  LoginMessageSchema,
  OfferMessageSchema,
  AnswerMessageSchema,
  CandidateMessageSchema,
  CloseMessageSchema,
  DeclineMessageSchema,
  SearchMessageSchema,
  TokenMessageSchema,
  AvailabilityMessageSchema,
]);

export type OfferDescription = z.infer<typeof OfferDescriptionSchema>;
export type AnswerDescription = z.infer<typeof AnswerDescriptionSchema>;
export type IceCandidate = z.infer<typeof IceCandidateSchema>;
export type DeclineReason = z.infer<typeof DeclineReasonSchema>;
export type CallClaim = z.infer<typeof CallClaimSchema>;
export type LoginMessage = z.infer<typeof LoginMessageSchema>;
export type OfferMessage = z.infer<typeof OfferMessageSchema>;
export type AnswerMessage = z.infer<typeof AnswerMessageSchema>;
export type CandidateMessage = z.infer<typeof CandidateMessageSchema>;
export type CloseMessage = z.infer<typeof CloseMessageSchema>;
export type DeclineMessage = z.infer<typeof DeclineMessageSchema>;
export type SearchMessage = z.infer<typeof SearchMessageSchema>;
export type TokenMessage = z.infer<typeof TokenMessageSchema>;
export type Availability = z.infer<typeof AvailabilitySchema>;
export type AvailabilityMessage = z.infer<typeof AvailabilityMessageSchema>;
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];

export const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] = [
  'login',
  'offer',
  'answer',
  'candidate',
  'close',
  'decline',
  'search',
  'token',
  'availability',
];
