import * as z from 'zod/mini';
import { isValidUsername, usernameKey } from './username';

/**
 * Guests (issue 25): people outside the company, let in by a member's invite link. A guest's name
 * on the wire is `guest:<inviter>:<display name>`: members' names cannot hold `:`, so no guest can
 * ever take a member's name, and the name itself says whose guest it is, so "a guest may call only
 * its inviter, and be called only by its inviter" is decided from the two names alone, on any
 * instance of a cluster. The server signs that name into the guest's token: nobody picks it.
 */
export const GUEST_PREFIX = 'guest:';

/** UTF-16 code units: `guest:` + a 64-character inviter + `:` + this stays inside an `otherUsername`'s bound. */
export const GUEST_DISPLAY_NAME_MAX_LENGTH = 40;

/** The display name's rule in words, as the join page and the server's refusals state it. */
export const DISPLAY_NAME_RULE = 'must be 1-40 characters, without control or formatting characters';

/**
 * Control (Cc), format (Cf: bidi overrides, zero-width joiners), line/paragraph separators (Zl,
 * Zp), private-use, lone surrogates (Cs: not text, mangled on the wire) and unassigned code points:
 * what makes a name look like another, or break a line.
 */
const FORBIDDEN_IN_DISPLAY_NAME = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\p{Cn}]/u;

/**
 * The display name a guest typed, trimmed and with runs of spaces made one; undefined when it
 * breaks `DISPLAY_NAME_RULE`. Markup is allowed: it is a name, shown as text everywhere.
 */
export function normalizeDisplayName(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const composed = raw.normalize('NFC');
  // Checked before spaces are collapsed: `\s` also matches tabs, line breaks and U+FEFF, which are refused, not turned into spaces.
  if (FORBIDDEN_IN_DISPLAY_NAME.test(composed)) return undefined;
  const name = composed.trim().replace(/\s+/gu, ' ');
  if (name.length === 0 || name.length > GUEST_DISPLAY_NAME_MAX_LENGTH) return undefined;
  return name;
}

export interface GuestName {
  /** The member who invited the guest, as the invite names them. */
  readonly inviter: string;
  readonly displayName: string;
}

/** The wire name of `inviter`'s guest `displayName` (both already valid). */
export function guestUsername(inviter: string, displayName: string): string {
  return `${GUEST_PREFIX}${inviter}:${displayName}`;
}

export function isGuestUsername(username: string): boolean {
  return usernameKey(username).startsWith(GUEST_PREFIX);
}

/** The inviter and display name in a guest's wire name; undefined for a member's name, or a malformed guest name. */
export function parseGuestUsername(username: string): GuestName | undefined {
  if (!isGuestUsername(username)) return undefined;
  const rest = username.slice(GUEST_PREFIX.length);
  // A member's name holds no `:`, so the first one ends the inviter; the display name may hold more.
  const colon = rest.indexOf(':');
  const inviter = rest.slice(0, colon);
  if (colon <= 0 || colon === rest.length - 1 || !isValidUsername(inviter)) return undefined;
  return { inviter, displayName: rest.slice(colon + 1) };
}

/** What to show people for `username`: a guest's display name, else the name itself. */
export function displayNameOf(username: string): string {
  return parseGuestUsername(username)?.displayName ?? username;
}

/** The key prefix every guest of `inviter` has: a directory search for it finds exactly their guests. */
export function guestKeyPrefix(inviter: string): string {
  return usernameKey(`${GUEST_PREFIX}${inviter}:`);
}

/**
 * Whether `caller` may start a call to `callee`: a guest only with its inviter, both ways. Members
 * among themselves always may (availability and busy are other matters).
 */
export function mayCall(caller: string, callee: string): boolean {
  return mayReach(caller, callee) && mayReach(callee, caller);
}

/** A member may reach anyone (as far as guests go); a guest only its inviter; a malformed guest name nobody. */
function mayReach(from: string, to: string): boolean {
  if (!isGuestUsername(from)) return true;
  const guest = parseGuestUsername(from);
  return guest !== undefined && usernameKey(guest.inviter) === usernameKey(to);
}

// HTTP: invites (members, `Authorization: Bearer`) and guest sessions (public, rate-limited).

/** `POST` creates an invite (`CreateInviteBody` -> `CreatedInvite`), `GET` lists yours (`InviteList`), `DELETE /<id>` revokes one. */
export const INVITES_PATH = '/api/invites';
/** `POST` `GuestPreviewBody` -> `GuestPreview`: who invited you, before you pick a name. */
export const GUEST_PREVIEW_PATH = '/api/guest-sessions/preview';
/** `POST` `GuestJoinBody` -> `GuestSession`: the token a guest opens `/ws` with. */
export const GUEST_SESSIONS_PATH = '/api/guest-sessions';
/** The page an invite link opens: `/join/<invite token>`. */
export const JOIN_PATH_PREFIX = '/join/';
/** A call link (`AUTH_MODE=none`): `/call/<name>` opens Duet with that callee filled in. */
export const CALL_LINK_PATH_PREFIX = '/call/';

/** Longest an invite may last (`INVITE_TTL_HOURS` and the dialog's choices are bounded by it). */
export const MAX_INVITE_TTL_HOURS = 168;
/** An invite token is a compact JWS of a few hundred bytes; anything longer is not one. */
export const INVITE_TOKEN_MAX_LENGTH = 2_048;

const inviteToken = z.string().check(z.minLength(1), z.maxLength(INVITE_TOKEN_MAX_LENGTH));

/** `POST INVITES_PATH`: how long the link lasts; absent: the server's `INVITE_TTL_HOURS`. */
export const CreateInviteBodySchema = z.object({
  ttlHours: z.optional(z.number().check(z.positive(), z.maximum(MAX_INVITE_TTL_HOURS))),
});
export type CreateInviteBody = z.infer<typeof CreateInviteBodySchema>;

/** One of your invites. Times in ms since the epoch. */
export interface InviteSummary {
  readonly id: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** The invite just made: its link (`https://HOST/join/<token>`), shown once; the server keeps no copy of the token. */
export interface CreatedInvite extends InviteSummary {
  readonly url: string;
}

/** `GET INVITES_PATH`: your invites that are neither revoked nor expired, newest first. */
export interface InviteList {
  readonly invites: readonly InviteSummary[];
}

export const GuestPreviewBodySchema = z.object({ invite: inviteToken });
export type GuestPreviewBody = z.infer<typeof GuestPreviewBodySchema>;

export interface GuestPreview {
  readonly inviter: string;
  readonly expiresAt: number;
}

/** The display name is checked by `normalizeDisplayName`; this only bounds what is read. */
export const GuestJoinBodySchema = z.object({ invite: inviteToken, displayName: z.string().check(z.maxLength(400)) });
export type GuestJoinBody = z.infer<typeof GuestJoinBodySchema>;

export interface GuestSession {
  /** Open `/ws` with it (subprotocol `access_token.<token>`); it ends when the invite does. */
  readonly token: string;
  /** The guest's wire name (`guestUsername`). */
  readonly username: string;
  readonly displayName: string;
  readonly inviter: string;
  readonly expiresAt: number;
}

/**
 * Why an invite endpoint refused, in the error body's `problem` (beside Nest's `statusCode` and a
 * `message` in words): a token that is not one (`malformed`, 400), not signed by this server
 * (`forged`, 404), past its expiry (`expired`, 410) or revoked (`revoked`, 410); a display name
 * that breaks the rule (`invalid-name`, 400) or is in use by another guest of the same inviter
 * (`name-taken`, 409); too many guests online (`guest-limit`, 503); too many joins from this
 * address (`rate-limited`, 429).
 */
export type InviteProblem = 'malformed' | 'forged' | 'expired' | 'revoked' | 'invalid-name' | 'name-taken' | 'guest-limit' | 'rate-limited';

export interface InviteProblemBody {
  readonly statusCode: number;
  readonly message: string;
  readonly problem: InviteProblem;
}
