import { AvailabilityMessage, isGuestUsername, UserStatus } from '@duet/shared/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { CallRecorder } from '../accounts/call-recorder';
import { Replies } from '../replies';
import { Session } from '../session';
import { SignalingMetrics } from '../signaling-metrics';
import { SIGNALING_OPTIONS, SignalingOptions } from '../signaling-options';
import { UserDirectory } from '../user-directory';
import { UserRegistryService } from '../user-registry.service';

/**
 * What a member says about taking calls (issue 25): `available`, `busy` (calls still ring), or
 * `dnd` (the server declines calls for them, and their history shows each as missed). Kept in the
 * registry with the name; shown to other members in `presence` (under the same bound as joins and
 * leaves) and in `users`/`search` (`statuses`). Guests have none and never hear of anyone's.
 */
@Injectable()
export class AvailabilityService {
  private readonly replies: Replies;

  constructor(
    @Inject(UserRegistryService) private readonly directory: UserDirectory,
    @Inject(SIGNALING_OPTIONS) private readonly options: SignalingOptions,
    private readonly recorder: CallRecorder,
    metrics: SignalingMetrics,
  ) {
    this.replies = new Replies(metrics);
  }

  /** `availability`: kept, answered with the same message, and told to the other members. */
  async set(session: Session, { availability }: AvailabilityMessage): Promise<void> {
    const username = this.replies.requireLogin(session, 'availability');
    if (username === undefined) return;
    if (isGuestUsername(username)) {
      return this.replies.refuse(session, 'forbidden', 'a guest has no availability to set', 'availability');
    }
    // False only for a session that no longer holds its name (it is ending): nobody to tell.
    if (!(await this.directory.setAvailability(username, session, availability))) return;
    session.send({ type: 'availability', availability });
    const { users, total } = await this.directory.online(this.options.presenceLimit);
    if (total > this.options.presenceLimit) return;
    for (const user of users) {
      if (user.sink !== session && !isGuestUsername(user.username)) {
        user.sink.send({ type: 'presence', username, online: true, availability });
      }
    }
  }

  /**
   * Declines a call-starting offer (no `callId`) to a callee on do-not-disturb, for them: the
   * caller is told (`decline`, reason `dnd`), the callee nothing, and both histories get the call
   * (missed for the callee, no push). True when it did; the offer then goes no further.
   */
  async declinedForCallee(session: Session, caller: string, callee: string, callId: string | undefined): Promise<boolean> {
    if (callId !== undefined) return false;
    const [status] = await this.directory.availabilityAmong([callee]);
    if (status?.availability !== 'dnd') return false;
    const registered = (await this.directory.find(callee))?.username ?? callee;
    this.recorder.declinedByDnd(caller, registered);
    session.send({ type: 'decline', username: registered, reason: 'dnd' });
    return true;
  }

  /** `{statuses}` of `usernames` for a `users` or `search` reply, or nothing when all are available. */
  async statusesOf(usernames: readonly string[]): Promise<{ statuses?: UserStatus[] }> {
    const statuses = await this.directory.availabilityAmong(usernames);
    return statuses.length > 0 ? { statuses: [...statuses] } : {};
  }
}
