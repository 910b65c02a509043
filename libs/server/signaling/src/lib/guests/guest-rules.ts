import { isGuestUsername, LoginFailureMessage, mayCall, usernameKey } from '@duet/shared/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { Replies } from '../replies';
import { Session } from '../session';
import { SignalingMetrics } from '../signaling-metrics';
import { SIGNALING_OPTIONS, SignalingOptions } from '../signaling-options';
import { SearchResult } from '../user-directory';
import { GuestSessions } from './guest-sessions';

/**
 * What a guest may do, and what a member may not do with the guest namespace: decided from the
 * session's identity and the names alone, so every instance of a cluster decides the same.
 */
@Injectable()
export class GuestRules {
  private readonly replies: Replies;

  constructor(
    private readonly guests: GuestSessions,
    @Inject(SIGNALING_OPTIONS) private readonly options: SignalingOptions,
    metrics: SignalingMetrics,
  ) {
    this.replies = new Replies(metrics);
  }

  /**
   * Why `session` may not log in as `username` (the failed login to send), or undefined. Only an
   * identity Duet let in as a guest may take a `guest:` name (an embedder's authenticator could
   * return one), and a guest only its own. `resuming`: the session it takes over still counts.
   */
  loginRefusal(session: Session, username: string, resuming: boolean): LoginFailureMessage | undefined {
    const { guest, username: allowed } = session.identity;
    if (guest === undefined) {
      if (!isGuestUsername(username)) return undefined;
      return { type: 'login', success: false, reason: 'forbidden', message: 'names starting with "guest:" are for guests let in by an invite link' };
    }
    if (allowed === undefined || usernameKey(allowed) !== usernameKey(username) || !isGuestUsername(username)) {
      return { type: 'login', success: false, reason: 'forbidden', message: 'a guest may only log in as the name its invite gave it' };
    }
    if (this.guests.online >= (this.options.maxGuests ?? 0) + (resuming ? 1 : 0)) {
      return { type: 'login', success: false, reason: 'unavailable', message: 'too many guests on this server; try again later' };
    }
    return undefined;
  }

  /** Whether `from` may offer to `callee` (see `mayCall`); if not, `session` is told, and nobody else. */
  mayOffer(session: Session, from: string, callee: string): boolean {
    if (mayCall(from, callee)) return true;
    const message = isGuestUsername(from) ? 'a guest may only call the member who invited them' : `${callee} is a guest, who may only be called by the member who invited them`;
    this.replies.refuse(session, 'forbidden', message, 'offer');
    return false;
  }

  /** Whether `session` may search the directory: guests may not (they see no one but their inviter); if not, it is told. */
  maySearch(session: Session): boolean {
    if (session.identity.guest === undefined && !isGuestUsername(session.username ?? '')) return true;
    this.replies.refuse(session, 'forbidden', 'a guest cannot search the directory', 'search');
    return false;
  }
}

/**
 * `found` without guests: nobody finds a guest. A prefix that matches many guests (`g`) may then
 * give fewer names than asked for, with `more` still saying whether the directory had more.
 */
export function withoutGuests({ users, more }: SearchResult): SearchResult {
  return { users: users.filter((username) => !isGuestUsername(username)), more };
}
