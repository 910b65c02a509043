import { MessageSink } from '@duet/server/signaling';
import { ServerMessage } from '@duet/shared/protocol';
import { InstanceChannel } from './instance-channel';

/**
 * A user whose socket is on another instance: messages for it are published to that instance's
 * channel, which hands them to the user's session. Never waits and never throws, like any sink.
 * `relay` says false only when this instance's own queue towards Redis is full; the addressee's
 * backlog is checked where it lives, and a refusal comes back to the sender as `peer-backlogged`.
 */
export class RemoteSink implements MessageSink {
  constructor(
    private readonly channel: InstanceChannel,
    readonly instance: string,
    readonly key: string,
    readonly sid: string,
  ) {}

  send(message: ServerMessage): void {
    this.channel.post(this.instance, { k: 's', to: this.key, sid: this.sid, m: message });
  }

  relay(message: ServerMessage): boolean {
    if (!this.channel.admitsRelay()) return false;
    this.channel.post(this.instance, { k: 'r', to: this.key, sid: this.sid, m: message, from: this.channel.self });
    return true;
  }
}
