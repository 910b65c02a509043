import { ServerMessage } from '@duet/shared/protocol';

/** What an instance believes about a call of one of its users, as Redis said it last. */
export interface CachedCall {
  readonly id: string;
  readonly peerKey: string;
  readonly peerName: string;
  /** Where the other party's session is: an instance id and session id (false if it had none). */
  readonly peerInst: string | false;
  readonly peerSid: string | false;
  readonly state: 'ringing' | 'active';
}

/** A user's call as of version `cv`, for the instance `inst` that holds the user's session `sid`. */
export interface CallView {
  readonly key: string;
  readonly inst: string;
  readonly sid: string;
  readonly cv: number;
  readonly call?: CachedCall;
}

/**
 * What instances publish to each other, on the channel of the instance holding the addressee
 * (`to`, a username key, and `sid`, its session: anything for an earlier session of that name is
 * dropped). Published in batches (a JSON array per channel per event-loop turn), in order.
 * - `s`: a message from the server itself, for the user's socket.
 * - `r`: a message another user relayed; if the addressee's backlog refuses it, `peer-backlogged`
 *   goes back to the sender, on instance `from`. `fw`: forwarded by the session's old instance.
 * - `c`: the user's call changed (see `CallView`), so the cache there follows.
 * - `l`: the partner of the user's call was released with its instance (it may come back).
 * A session resumed on another instance than the one it was parked on (`Handover`):
 * - `q`: instance `from` asks for session `sid`, showing the hash of its resume token;
 * - `k`: the answer to request `rid`, with the messages kept for the session;
 * - `p`: the partner of the user's call (`peer`, session `peerSid`) now lives on `inst`; ack to `from`;
 * - `a`: that ack, to the old instance; `d`: to the new one, everything forwarded: stop holding.
 */
export type Envelope =
  | { readonly k: 's'; readonly to: string; readonly sid?: string; readonly m: ServerMessage }
  | { readonly k: 'r'; readonly to: string; readonly sid: string; readonly m: ServerMessage; readonly from: string; readonly fw?: true }
  | { readonly k: 'c'; readonly to: string; readonly sid: string; readonly v: CallView }
  | { readonly k: 'l'; readonly to: string; readonly sid: string; readonly peer: string; readonly callId: string }
  | { readonly k: 'q'; readonly to: string; readonly sid: string; readonly tok: string; readonly from: string; readonly rid: string }
  | { readonly k: 'k'; readonly rid: string; readonly ok: boolean; readonly frames: string[] }
  | {
      readonly k: 'p';
      readonly to: string;
      readonly sid: string;
      readonly peer: string;
      readonly peerSid: string;
      readonly inst: string;
      readonly from: string;
    }
  | { readonly k: 'a' | 'd'; readonly to: string; readonly sid: string };

/** The channel instance `id` listens on (prefixed by the link). */
export function channelOf(instance: string): string {
  return `to:${instance}`;
}
