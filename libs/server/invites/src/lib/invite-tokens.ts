import { isValidUsername, parseGuestUsername, usernameKey } from '@duet/shared/protocol';
import { decodeProtectedHeader, errors, JWTPayload, jwtVerify, SignJWT } from 'jose';

/** The JWS `typ` of an invite link's token: a member authenticator's token never has it. */
export const INVITE_TOKEN_TYPE = 'duet-invite+jwt';
/** The JWS `typ` of a guest's token (what the guest opens `/ws` with). */
export const GUEST_TOKEN_TYPE = 'duet-guest+jwt';

/** Seconds of clock difference between instances that a token's `exp` is allowed. */
const CLOCK_TOLERANCE_SECONDS = 2;
const ALGORITHMS = ['HS256'];

export interface InviteClaims {
  readonly inviteId: string;
  readonly inviter: string;
  /** Ms since the epoch, a whole second (the token's `exp`). */
  readonly expiresAt: number;
}

export interface GuestClaims extends InviteClaims {
  /** The guest's wire name (`guest:<inviter>:<display name>`). */
  readonly username: string;
}

/** Why an invite token is refused: not a JWS at all, not ours, or past its expiry. */
export type InviteTokenProblem = 'malformed' | 'forged' | 'expired';

export type Verified<T> = { readonly ok: true; readonly claims: T } | { readonly ok: false; readonly problem: InviteTokenProblem };

/**
 * Invite and guest tokens: compact JWS, HS256 only (so `alg: none` and any other algorithm fail),
 * `exp` required, told apart by their `typ` header, claims `inv` and `inviter` (never `sub`: a
 * member authenticator must not read one as a member's token) and, for a guest, `name`. Tokens
 * are capabilities: nothing here logs them.
 */
export class InviteTokens {
  constructor(private readonly key: Uint8Array) {}

  issueInvite({ inviteId, inviter, expiresAt }: InviteClaims): Promise<string> {
    return this.sign(INVITE_TOKEN_TYPE, { inv: inviteId, inviter }, expiresAt);
  }

  issueGuest({ inviteId, inviter, username, expiresAt }: GuestClaims): Promise<string> {
    return this.sign(GUEST_TOKEN_TYPE, { inv: inviteId, inviter, name: username }, expiresAt);
  }

  async verifyInvite(token: string): Promise<Verified<InviteClaims>> {
    const verified = await this.verify(token, INVITE_TOKEN_TYPE);
    if (!verified.ok) return verified;
    const claims = inviteClaims(verified.claims);
    return claims === undefined ? { ok: false, problem: 'forged' } : { ok: true, claims };
  }

  async verifyGuest(token: string): Promise<Verified<GuestClaims>> {
    const verified = await this.verify(token, GUEST_TOKEN_TYPE);
    if (!verified.ok) return verified;
    const claims = inviteClaims(verified.claims);
    const name = verified.claims['name'];
    // The name was signed with the inviter in it: a token whose two disagree is not one we made.
    if (claims === undefined || typeof name !== 'string' || usernameKey(parseGuestUsername(name)?.inviter ?? '') !== usernameKey(claims.inviter)) {
      return { ok: false, problem: 'forged' };
    }
    return { ok: true, claims: { ...claims, username: name } };
  }

  private sign(typ: string, claims: JWTPayload, expiresAt: number): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ }).setIssuedAt().setExpirationTime(Math.floor(expiresAt / 1_000)).sign(this.key);
  }

  private async verify(token: string, typ: string): Promise<Verified<JWTPayload>> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ALGORITHMS, typ, requiredClaims: ['exp'], clockTolerance: CLOCK_TOLERANCE_SECONDS });
      return { ok: true, claims: payload };
    } catch (error) {
      return { ok: false, problem: problemOf(error) };
    }
  }
}

/** Whether `token` says it is a guest token (its `typ` header; unverified: the caller verifies it). */
export function isGuestToken(token: string): boolean {
  try {
    return decodeProtectedHeader(token).typ === GUEST_TOKEN_TYPE;
  } catch {
    return false;
  }
}

/** The whole second an invite made now for `ttlHours` ends at (a token's `exp` has no finer grain), in ms. */
export function inviteExpiry(now: number, ttlHours: number): number {
  return Math.ceil((now + ttlHours * 3_600_000) / 1_000) * 1_000;
}

function inviteClaims(payload: JWTPayload): InviteClaims | undefined {
  const { inv, inviter, exp } = payload as { inv?: unknown; inviter?: unknown; exp?: number };
  if (typeof inv !== 'string' || inv.length === 0 || !isValidUsername(inviter) || exp === undefined) return undefined;
  return { inviteId: inv, inviter, expiresAt: exp * 1_000 };
}

/** Expired (checked after the signature: a forged expired token is forged); unreadable; or else not ours. */
function problemOf(error: unknown): InviteTokenProblem {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed';
  return 'forged';
}
