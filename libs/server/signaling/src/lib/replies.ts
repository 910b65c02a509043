import { ErrorCode, ServerMessage } from '@duet/shared/protocol';
import { MessageSink } from './message-sink';
import { Session } from './session';
import { SignalingMetrics } from './signaling-metrics';

/**
 * What a sender is told when its message is refused, or when what it sent cannot be delivered:
 * one `error` reply, counted, worded the same for every message.
 */
export class Replies {
  constructor(private readonly metrics: SignalingMetrics) {}

  /** Delivers what one user sent another, unless the recipient is too far behind to take it. */
  relay(session: Session, to: MessageSink, message: ServerMessage, replyTo: string): void {
    if (to.relay(message)) return;
    this.refuse(session, 'peer-backlogged', 'the other side is not keeping up; this message was dropped', replyTo);
  }

  /** The sender's name, or undefined (and it is told to log in first). */
  requireLogin(session: Session, replyTo: string): string | undefined {
    if (session.username === undefined) {
      this.refuse(session, 'not-logged-in', 'log in first', replyTo);
    }
    return session.username;
  }

  notInCall(session: Session, otherUsername: string | undefined, replyTo: string): void {
    const whom = otherUsername === undefined ? 'anyone' : otherUsername;
    this.refuse(session, 'not-in-call', `you are not in a call with ${whom}`, replyTo);
  }

  stale(session: Session, replyTo: string): void {
    this.refuse(session, 'stale-call', 'that message belongs to a call that has ended', replyTo);
  }

  refuse(session: Session, code: ErrorCode, message: string, replyTo?: string): void {
    this.metrics.errorSent(code);
    session.send(replyTo === undefined ? { type: 'error', code, message } : { type: 'error', code, message, replyTo });
  }
}
