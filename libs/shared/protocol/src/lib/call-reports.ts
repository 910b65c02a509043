import * as z from 'zod/mini';
import { CallIdSchema } from './client-messages';

/**
 * The quality loop (issue 26): at hang-up each party posts its call's stats summary, then, if the
 * person answers the prompt, a rating. The server keeps neither: it counts them as metrics and logs
 * one line (docs/privacy.md). Each party proves it was in the call with the key the server sent it
 * over its socket when the call became active (`call-report-key`); with `AUTH_MODE=jwt`/`oidc` the
 * request carries the WebSocket's token as well (`Authorization: Bearer`).
 */
export const CALL_REPORTS_PATH = '/api/call-reports';
/** Largest body `POST CALL_REPORTS_PATH` accepts (a summary is well under 1 kB); 413 beyond. */
export const MAX_CALL_REPORT_BODY_BYTES = 4_096;

/** What a person may say went wrong, besides the stars: a fixed list, so it can be counted. */
export const CALL_REPORT_TAGS = ['echo', 'frozen video', 'robotic voice', 'no sound', 'blurry video', 'delay', 'dropped'] as const;
export type CallReportTag = (typeof CALL_REPORT_TAGS)[number];

/** The selected candidate pair's local candidate type: how the media went. */
export const CallPathSchema = z.enum(['host', 'srflx', 'prflx', 'relay', 'unknown']);
/** How it travelled: UDP, TCP, or TLS to a TURN server (`relayProtocol`). */
export const CallTransportSchema = z.enum(['udp', 'tcp', 'tls', 'unknown']);
export const BrowserFamilySchema = z.enum(['chrome', 'edge', 'firefox', 'safari', 'other']);

const count = z.int().check(z.gte(0), z.lte(1_000_000_000));
const seconds = z.number().check(z.gte(0), z.lte(7 * 86_400));
const millis = z.number().check(z.gte(0), z.lte(600_000));
/** `RTCCodecStats.mimeType`, e.g. `video/VP8`. */
const codec = z.string().check(z.regex(/^[A-Za-z0-9]+\/[A-Za-z0-9._-]{1,32}$/));

/** One direction of video (sent or received), averaged over the call. */
export const VideoDirectionSchema = z.object({
  codec: z.optional(codec),
  frames: count,
  averageFps: z.number().check(z.gte(0), z.lte(240)),
  width: z.int().check(z.gte(0), z.lte(16_384)),
  height: z.int().check(z.gte(0), z.lte(16_384)),
});

/** What the app measured over the call, from `getStats`, sent once at hang-up. */
export const CallSummarySchema = z.object({
  durationSeconds: seconds,
  path: CallPathSchema,
  transport: CallTransportSchema,
  audioCodec: z.optional(codec),
  rttMs: z.optional(z.object({ p50: millis, p95: millis })),
  /** Packets lost over packets expected, received audio and video together. */
  lossRatio: z.number().check(z.gte(0), z.lte(1)),
  jitterMs: millis,
  freezeCount: count,
  freezeSeconds: seconds,
  sent: VideoDirectionSchema,
  received: VideoDirectionSchema,
  firstFrameMs: z.optional(millis),
  iceRestarts: count,
  browser: z.object({ family: BrowserFamilySchema, major: z.int().check(z.gte(0), z.lte(999)) }),
});

const key = z.string().check(z.minLength(16), z.maxLength(128));

/** `POST CALL_REPORTS_PATH`: the summary (`part: 'summary'`) or the rating (`part: 'rating'`), each once. */
export const CallReportSchema = z.discriminatedUnion('part', [
  z.object({ part: z.literal('summary'), callId: CallIdSchema, key, summary: CallSummarySchema }),
  z.object({
    part: z.literal('rating'),
    callId: CallIdSchema,
    key,
    rating: z.int().check(z.gte(1), z.lte(5)),
    tags: z.optional(z.array(z.enum(CALL_REPORT_TAGS)).check(z.maxLength(CALL_REPORT_TAGS.length))),
  }),
]);

/** Sent to each party when its call becomes active (the answer accepted): its report capability. Clients may ignore it. */
export const CallReportKeyMessageSchema = z.object({ type: z.literal('call-report-key'), callId: CallIdSchema, key });

export type CallPath = z.infer<typeof CallPathSchema>;
export type CallTransport = z.infer<typeof CallTransportSchema>;
export type BrowserFamily = z.infer<typeof BrowserFamilySchema>;
export type VideoDirection = z.infer<typeof VideoDirectionSchema>;
export type CallSummary = z.infer<typeof CallSummarySchema>;
export type CallReport = z.infer<typeof CallReportSchema>;
export type CallReportPart = CallReport['part'];
export type CallReportKeyMessage = z.infer<typeof CallReportKeyMessageSchema>;
