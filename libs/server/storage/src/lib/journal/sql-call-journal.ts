import { CallEnd, CallJournal } from '@duet/server/signaling';
import { isGuestUsername, usernameKey } from '@duet/shared/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DUET_DATABASE, DuetDatabase, DuetTables, millis } from '../database/schema';
import { OrderedWrites } from './ordered-writes';

type Outcome = DuetTables['call_records']['outcome'];

/**
 * Call history in the database: two rows per call, one per party. A call's rows exist from its
 * first ring, as `missed` (what it is if nothing else happens, e.g. the server dies), and are
 * settled by `answered` and `ended`. Signaling never waits: each step is queued behind the
 * earlier steps of the same call (`OrderedWrites`), and a failure is logged, never thrown.
 * Guests (issue 25) have no history: a guest party gets no row, only the member does.
 */
@Injectable()
export class SqlCallJournal extends CallJournal {
  constructor(
    @Inject(DUET_DATABASE) private readonly db: DuetDatabase,
    private readonly writes: OrderedWrites,
  ) {
    super();
  }

  ringing(call: Parameters<CallJournal['ringing']>[0], at: number): void {
    this.writes.queue([call.callId], `call ${call.callId} ringing`, () => this.insertPair(call.callId, call.caller, call.callee, 'missed', at, null));
  }

  continued(ringId: string, callId: string): void {
    // After every step of the ring, before any step of the call it became.
    this.writes.queue([ringId, callId], `call ${ringId} continued as ${callId}`, () =>
      this.db.updateTable('call_records').set({ call_id: callId }).where('call_id', '=', ringId).execute(),
    );
  }

  answered(callId: string, at: number): void {
    this.writes.queue([callId], `call ${callId} answered`, () =>
      this.db.updateTable('call_records').set({ outcome: 'answered', answered_at: at }).where('call_id', '=', callId).where('ended_at', 'is', null).execute(),
    );
  }

  ended(callId: string, end: CallEnd, at: number): void {
    this.writes.queue([callId], `call ${callId} ended (${end})`, async () => {
      const row = await this.db.selectFrom('call_records').select('answered_at').where('call_id', '=', callId).where('ended_at', 'is', null).limit(1).executeTakeFirst();
      if (row === undefined) return;
      const answeredAt = row.answered_at === null ? undefined : millis(row.answered_at);
      await this.db
        .updateTable('call_records')
        .set({ outcome: outcomeOf(end, answeredAt !== undefined), ended_at: at, duration_ms: answeredAt === undefined ? 0 : Math.max(0, at - answeredAt) })
        .where('call_id', '=', callId)
        .where('ended_at', 'is', null)
        .execute();
    });
  }

  busy(caller: string, callee: string, at: number): void {
    const callId = randomUUID();
    this.writes.queue([callId], `busy call from ${caller} to ${callee}`, () => this.insertPair(callId, caller, callee, 'busy', at, at));
  }

  private insertPair(callId: string, caller: string, callee: string, outcome: Outcome, at: number, endedAt: number | null) {
    const row = { call_id: callId, outcome, started_at: at, answered_at: null, ended_at: endedAt, duration_ms: 0 };
    const rows = [
      { ...row, id: randomUUID(), owner_key: usernameKey(caller), peer: callee, direction: 'outgoing' as const },
      { ...row, id: randomUUID(), owner_key: usernameKey(callee), peer: caller, direction: 'incoming' as const },
    ].filter(({ owner_key }) => !isGuestUsername(owner_key));
    if (rows.length === 0) return Promise.resolve();
    return this.db.insertInto('call_records').values(rows).execute();
  }
}

/** Answered wins over how it ended (either party hung up, or a connection dropped). */
function outcomeOf(end: CallEnd, answered: boolean): Outcome {
  if (answered) return 'answered';
  if (end === 'declined') return 'declined';
  if (end === 'unreachable') return 'failed';
  return 'missed';
}
