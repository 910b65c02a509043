import { displayNameOf, isGuestUsername, parseGuestUsername } from '@duet/shared/protocol';
import { CallNotice, ConnectionProblem } from '@duet/web/rtc';

/** How a name reads in a sentence: a guest's display name and "(guest)", never the `guest:…` wire name. */
export function shownName(username: string): string {
  return isGuestUsername(username) ? `${displayNameOf(username)} (guest)` : username;
}

/** `notice` with its peer's name as people read it. */
export function withShownPeer(notice: CallNotice): CallNotice {
  return 'peer' in notice ? { ...notice, peer: shownName(notice.peer) } : notice;
}

/** The guest's card in the lobby. */
export function guestOf(displayName: string, inviter: string): string {
  return `You are ${displayName}, a guest of ${inviter}.`;
}

export function callInviter(inviter: string): string {
  return `Call ${inviter}`;
}

export function guestWaiting(username: string): string {
  return `${displayNameOf(username)} (guest) is waiting`;
}

/**
 * What ends a guest's session, in words: a revoked invite (close 4403), or an expired one (a 4401
 * close and then a refused reconnect, as the guest token cannot be renewed). Null for anything else.
 */
export function guestProblemSentence(problem: ConnectionProblem, me: string): string | null {
  const inviter = parseGuestUsername(me)?.inviter;
  if (inviter === undefined) return null;
  if (problem.kind === 'access-revoked') return `${inviter} revoked your invite; this guest session has ended.`;
  if (problem.kind === 'sign-in-required') return INVITE_EXPIRED_IN_SESSION;
  return null;
}

export const INVITE_EXPIRED_IN_SESSION = 'Your invite has expired, so this guest session has ended.';
export const GUEST_MARK = 'Guest';
