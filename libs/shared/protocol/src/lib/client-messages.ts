import * as z from 'zod/mini';
import { UsernameSchema, USERNAME_MAX_LENGTH } from './username';

/** SDPs of a video call run to a few kB; this bound sits well inside the server's frame cap. */
export const SDP_MAX_LENGTH = 32_768;
export const CANDIDATE_MAX_LENGTH = 1_024;

/** A target name: any string of sane length. A name that cannot exist is simply not online. */
const TargetSchema = z.string().check(z.minLength(1), z.maxLength(USERNAME_MAX_LENGTH * 2));

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

export const LoginMessageSchema = z.object({
  type: z.literal('login'),
  username: UsernameSchema,
});
export const OfferMessageSchema = z.object({
  type: z.literal('offer'),
  offer: OfferDescriptionSchema,
  otherUsername: TargetSchema,
});
export const AnswerMessageSchema = z.object({
  type: z.literal('answer'),
  answer: AnswerDescriptionSchema,
  otherUsername: TargetSchema,
});
export const CandidateMessageSchema = z.object({
  type: z.literal('candidate'),
  candidate: IceCandidateSchema,
  otherUsername: TargetSchema,
});
/** `otherUsername` may be left out: `close` then ends whatever call the sender is in. */
export const CloseMessageSchema = z.object({
  type: z.literal('close'),
  otherUsername: z.optional(TargetSchema),
});
export const DeclineReasonSchema = z.enum(['declined', 'busy']);
export const DeclineMessageSchema = z.object({
  type: z.literal('decline'),
  otherUsername: TargetSchema,
  reason: z.optional(DeclineReasonSchema),
});

/** Every message a client may send. Unknown fields are dropped, never relayed. */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  LoginMessageSchema,
  OfferMessageSchema,
  AnswerMessageSchema,
  CandidateMessageSchema,
  CloseMessageSchema,
  DeclineMessageSchema,
]);

export type OfferDescription = z.infer<typeof OfferDescriptionSchema>;
export type AnswerDescription = z.infer<typeof AnswerDescriptionSchema>;
export type IceCandidate = z.infer<typeof IceCandidateSchema>;
export type DeclineReason = z.infer<typeof DeclineReasonSchema>;
export type LoginMessage = z.infer<typeof LoginMessageSchema>;
export type OfferMessage = z.infer<typeof OfferMessageSchema>;
export type AnswerMessage = z.infer<typeof AnswerMessageSchema>;
export type CandidateMessage = z.infer<typeof CandidateMessageSchema>;
export type CloseMessage = z.infer<typeof CloseMessageSchema>;
export type DeclineMessage = z.infer<typeof DeclineMessageSchema>;
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];

export const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] = [
  'login',
  'offer',
  'answer',
  'candidate',
  'close',
  'decline',
];
