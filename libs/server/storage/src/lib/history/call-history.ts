import { CallRecord, HistoryPage, usernameKey } from '@duet/shared/protocol';
import { Inject, Injectable } from '@nestjs/common';
import { DUET_DATABASE, DuetDatabase, millis } from '../database/schema';
import { encodeCursor, HistoryQuery } from './history-query';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A user's own call records, newest first; and the retention that removes old ones. */
@Injectable()
export class CallHistory {
  constructor(@Inject(DUET_DATABASE) private readonly db: DuetDatabase) {}

  async page(username: string, { before, limit }: HistoryQuery): Promise<HistoryPage> {
    let query = this.db
      .selectFrom('call_records')
      .select(['id', 'call_id', 'peer', 'direction', 'outcome', 'started_at', 'duration_ms'])
      .where('owner_key', '=', usernameKey(username));
    if (before !== undefined) {
      query = query.where((eb) => eb.or([eb('started_at', '<', before.startedAt), eb.and([eb('started_at', '=', before.startedAt), eb('id', '<', before.id)])]));
    }
    // One row more than asked: whether there is a next page, without counting.
    const rows = await query.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
    const calls: CallRecord[] = rows.slice(0, limit).map((row) => ({
      id: row.id,
      callId: row.call_id,
      peer: row.peer,
      direction: row.direction,
      outcome: row.outcome,
      startedAt: millis(row.started_at),
      durationMs: millis(row.duration_ms),
    }));
    const last = calls[calls.length - 1];
    return rows.length > limit && last !== undefined ? { calls, next: encodeCursor(last) } : { calls };
  }

  /** Deletes `username`'s own records (the other parties keep theirs); resolves with how many. */
  async clear(username: string): Promise<number> {
    const result = await this.db.deleteFrom('call_records').where('owner_key', '=', usernameKey(username)).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Deletes records that began more than `days` before `now`, and rings long expired; resolves with how many records. */
  async prune(days: number, now: number): Promise<number> {
    const result = await this.db.deleteFrom('call_records').where('started_at', '<', now - days * DAY_MS).executeTakeFirst();
    await this.db.deleteFrom('device_rings').where('expires_at', '<', now).execute();
    return Number(result.numDeletedRows);
  }
}
