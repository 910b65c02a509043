/** The environment variables Duet reads: one rule each, with its bounds and its default. */
import * as z from 'zod';
import { iceUrlProblem, parseIceServers } from './ice-config';
import { parseTrustProxy } from './network-config';

const integer = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((value) => value ?? fallback);

/** JSON in a variable, parsed; a syntax error is the variable's problem. */
const json = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
    return z.NEVER;
  }
});

const iceServers = json
  .transform((value, ctx) => {
    const result = parseIceServers(value);
    if ('servers' in result) return result.servers;
    ctx.addIssue({ code: 'custom', message: result.problem });
    return z.NEVER;
  })
  .optional()
  .transform((value) => value ?? []);

const turnUrls = z
  .string()
  .transform((text, ctx) => {
    const urls = text.split(',').map((url) => url.trim()).filter(Boolean);
    for (const url of urls) {
      const problem = /^turns?:/i.test(url) ? iceUrlProblem(url) : `"${url}" is not a turn: or turns: URL`;
      if (problem) {
        ctx.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
    }
    if (urls.length === 0) ctx.addIssue({ code: 'custom', message: 'needs at least one turn: or turns: URL' });
    return urls;
  })
  .optional();

const trustProxy = z
  .string()
  .optional()
  .transform((text, ctx) => {
    const result = parseTrustProxy(text);
    if (!('problem' in result)) return result;
    ctx.addIssue({ code: 'custom', message: result.problem });
    return z.NEVER;
  });

const origins = z
  .string()
  .transform((text) => text.split(',').map((origin) => origin.trim()).filter(Boolean))
  .pipe(z.array(z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).origin)).min(1))
  .optional();

const publicUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://duet.example.com' })
  .transform((url) => new URL(url).origin)
  .optional();

const text = z.string().trim().min(1).optional();

const redisUrl = z
  .string()
  .trim()
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be a redis:// or rediss:// URL with a host, e.g. redis://127.0.0.1:6379')
  .optional();
/**
 * Keys or documents fetched in the clear could be forged on the way, except over loopback. zod runs
 * this even after the URL check failed: a string that is no URL is left to that check's message.
 */
function isHttpsOrLoopback(text: string): boolean {
  if (!URL.canParse(text)) return true;
  const url = new URL(text);
  return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** Where signing keys come from: https, or plain http on loopback. */
const keysUrl = (notAUrl: string) =>
  z
    .url({ protocol: /^https?$/, error: notAUrl })
    .refine(isHttpsOrLoopback, { error: 'must be https:// (plain http only on loopback): keys fetched in the clear could be forged on the way' })
    .optional();

/** An OpenID provider's scopes, space-separated; `openid` is what makes it OpenID Connect. */
const oidcScopes = z
  .string()
  .trim()
  .refine((scopes) => scopes.split(/\s+/).includes('openid'), 'must contain "openid" (space-separated scopes, e.g. "openid profile email")')
  .optional()
  .transform((scopes) => scopes ?? 'openid profile email offline_access');
const SECOND = 1_000;

const postgresUrl = z
  .string()
  .trim()
  .refine((text) => URL.canParse(text) && ['postgres:', 'postgresql:'].includes(new URL(text).protocol), 'must be a postgres:// URL, e.g. postgres://duet:secret@db.example:5432/duet')
  .optional();

/** Comma-separated host patterns (`fcm.googleapis.com`, `*.push.apple.com`, `127.0.0.1:8443`), lower-cased. */
const hostList = z
  .string()
  .transform((text) => text.split(',').map((host) => host.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^(\*\.)?[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/, 'must list host names, e.g. fcm.googleapis.com,*.push.apple.com')).min(1))
  .optional();

/** Variable name -> rule; the default is the value used when the variable is unset. */
export const EnvSchema = z.object({
  PORT: integer(0, 65_535, 3000),
  HOST: text,
  WEB_ROOT: text,
  ICE_SERVERS: iceServers,
  // Shared with coturn's static-auth-secret; a short one could be guessed from issued credentials.
  TURN_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  TURN_URLS: turnUrls,
  // An hour: long enough for most calls (credentials are renewed before they expire anyway),
  // short enough that a credential copied out of a page is soon useless.
  TURN_TTL_SECONDS: integer(60, 86_400, 3_600),
  ICE_TRANSPORT_POLICY: z
    .enum(['all', 'relay'], { error: 'must be "all" or "relay"' })
    .optional()
    .transform((policy) => policy ?? 'all'),
  TLS: z.enum(['off', 'self-signed']).optional().transform((mode) => mode ?? 'off'),
  TLS_CERT: text,
  TLS_KEY: text,
  TRUST_PROXY: trustProxy,
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).optional().transform((level) => level ?? 'info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  METRICS_PORT: z.string().trim().regex(/^\d+$/, 'must be a port number').transform(Number).pipe(z.number().int().min(1).max(65_535)).optional(),
  // End-of-call stats and ratings (docs/privacy.md): kept only as metrics.
  CALL_REPORTS: z.enum(['on', 'off'], { error: 'must be "on" or "off"' }).optional().transform((reports) => reports ?? 'on'),
  PRESENCE_LIMIT: integer(0, 1_000, 100),
  PUBLIC_URL: publicUrl,
  ALLOWED_ORIGINS: origins,
  AUTH_MODE: z.enum(['none', 'jwt', 'oidc'], { error: 'must be "none", "jwt" or "oidc"' }).optional().transform((mode) => mode ?? 'none'),
  AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  AUTH_JWT_PUBLIC_KEY_FILE: text,
  AUTH_JWT_JWKS_URL: keysUrl('must be an https:// URL of a JWKS (e.g. https://idp.example.com/.well-known/jwks.json)'),
  AUTH_JWT_ISSUER: text,
  AUTH_JWT_AUDIENCE: text,
  AUTH_JWT_USERNAME_CLAIM: text,
  // Company sign-in (AUTH_MODE=oidc): the provider's keys and endpoints come from its discovery document.
  OIDC_ISSUER: keysUrl('must be the https:// URL of your OpenID provider (e.g. https://login.example.com/realms/acme)'),
  OIDC_CLIENT_ID: text,
  OIDC_SCOPES: oidcScopes,
  OIDC_USERNAME_CLAIM: text,
  // 64 KiB: a video SDP is a few kB. ws's own default (100 MiB) would let one client pin memory.
  WS_MAX_PAYLOAD: integer(1_024, 1_048_576, 65_536),
  // A call's setup is a few dozen messages, most in the first second.
  RATE_LIMIT_PER_SECOND: integer(1, 10_000, 100),
  RATE_LIMIT_BURST: integer(1, 100_000, 200),
  MAX_CONNECTIONS: integer(1, 1_000_000, 20_000),
  // Generous: a whole office may share one public address.
  MAX_CONNECTIONS_PER_IP: integer(1, 1_000_000, 256),
  LOGIN_TIMEOUT_MS: integer(100, 10 * 60 * SECOND, 10 * SECOND),
  HEARTBEAT_INTERVAL_MS: integer(100, 10 * 60 * SECOND, 30 * SECOND),
  RING_TIMEOUT_MS: integer(100, 10 * 60 * SECOND, 30 * SECOND),
  SHUTDOWN_TIMEOUT_MS: integer(100, 60 * SECOND, 5 * SECOND),
  // Node's default is 60 s, checked every 30 s: long enough for a slowloris to hold sockets.
  HTTP_HEADERS_TIMEOUT_MS: integer(1 * SECOND, 120 * SECOND, 10 * SECOND),
  // Long enough for a phone to switch networks or a server to restart; short enough that a peer
  // who is really gone frees the other side soon.
  RESUME_WINDOW_MS: integer(0, 10 * 60 * SECOND, 30 * SECOND),
  REDIS_URL: redisUrl,
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, 'must be 1-64 letters, digits, ":", "_", "." or "-", e.g. duet:')
    .optional()
    .transform((prefix) => prefix ?? 'duet:'),
  // Durable per-user data (push subscriptions, call history); only with AUTH_MODE=jwt or oidc.
  DATA_DIR: text,
  DATABASE_URL: postgresUrl,
  HISTORY_DAYS: integer(1, 3_650, 90),
  PUSH_VAPID_PUBLIC_KEY: text,
  PUSH_VAPID_PRIVATE_KEY: text,
  PUSH_VAPID_SUBJECT: z.string().trim().regex(/^(mailto:|https:\/\/)\S+$/, 'must be a mailto: or https:// URL where push services can reach you').optional(),
  PUSH_ENDPOINT_HOSTS: hostList,
  // Guest invite links (issue 25); only with AUTH_MODE=jwt or oidc.
  INVITE_SECRET: z.string().min(32, 'must be at least 32 characters (it signs invite links and guest tokens)').optional(),
  // Hours, fractions allowed (a test's short link); the dialog offers this as its default.
  INVITE_TTL_HOURS: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'must be a number of hours, e.g. 24 or 0.5')
    .transform(Number)
    .pipe(z.number().positive('must be more than 0').max(168, 'must be at most 168 (a week)'))
    .optional()
    .transform((value) => value ?? 24),
  MAX_GUESTS: integer(0, 1_000_000, 100),
  GUEST_JOINS_PER_MINUTE: integer(1, 10_000, 10),
  // Issue 26: a cap on each browser's video sender (kbit/s); unset: the browser's own estimate rules.
  // 50 still moves a small picture; 50 000 is above what any camera is encoded at.
  MAX_VIDEO_BITRATE_KBPS: z.string().trim().regex(/^\d+$/, 'must be a whole number of kbit/s, e.g. 800').transform(Number).pipe(z.number().int().min(50).max(50_000)).optional(),
});
export type Env = z.infer<typeof EnvSchema>;

/** Variables whose values an error message must never show (a Redis URL may carry a password). */
export const SECRETS = new Set(['TURN_SECRET', 'AUTH_JWT_SECRET', 'REDIS_URL', 'METRICS_TOKEN', 'DATABASE_URL', 'PUSH_VAPID_PRIVATE_KEY', 'INVITE_SECRET']);
