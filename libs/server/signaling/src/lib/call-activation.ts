import { MessageSink } from './message-sink';

/** One party of a call that just became active, and where its messages go. */
export interface ActiveParty {
  readonly username: string;
  readonly sink: MessageSink;
}

/**
 * Told when a call becomes active (its answer accepted), with both parties: the DI token an
 * application replaces to hand each party something of its own for that call (the call reports'
 * keys, `@duet/server/call-reports`). The default does nothing.
 */
export abstract class CallActivation {
  abstract activated(callId: string, parties: readonly [ActiveParty, ActiveParty]): void;
}

export class NoCallActivation extends CallActivation {
  activated(): void {
    return undefined;
  }
}
