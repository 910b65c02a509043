import { CallRecord } from '@duet/shared/protocol';
import { Logger } from '@nestjs/common';
import { openDatabase } from '../database/open-database';
import { DuetDatabase } from '../database/schema';
import { CallHistory } from '../history/call-history';
import { decodeCursor } from '../history/history-query';
import { testDatabaseServers } from '../../testing/test-databases';
import { OrderedWrites } from './ordered-writes';
import { SqlCallJournal } from './sql-call-journal';

const T = 1_700_000_000_000;

/** What the journal wrote, as each party's history shows it (ids aside). */
function seen(page: { calls: readonly CallRecord[] }) {
  return page.calls.map(({ callId, peer, direction, outcome, startedAt, durationMs }) => ({ callId, peer, direction, outcome, startedAt, durationMs }));
}

describe.each(testDatabaseServers())('SqlCallJournal and CallHistory on %s', (_, server) => {
  let db: DuetDatabase;
  let writes: OrderedWrites;
  let journal: SqlCallJournal;
  let history: CallHistory;
  let names = 0;
  const pair = () => [`Alice${++names}`, `bob${names}`] as const;
  /** Steps are told without waiting, as signaling does; the history is read once they are written. */
  const historyOf = async (username: string, limit = 50) => {
    await writes.flush();
    return history.page(username, { limit });
  };

  beforeAll(async () => {
    await server.start();
    db = await openDatabase(await server.fresh());
    writes = new OrderedWrites();
    journal = new SqlCallJournal(db, writes);
    history = new CallHistory(db);
  });
  afterAll(async () => {
    await writes?.close();
    await db?.destroy();
    await server.stop();
  });

  it('records an answered call for both parties, with its duration from answer to end', async () => {
    const [alice, bob] = pair();
    journal.ringing({ callId: `c${names}`, caller: alice, callee: bob, onDevices: false }, T);
    journal.answered(`c${names}`, T + 4_000);
    journal.ended(`c${names}`, 'hangup', T + 64_000);
    // A late end (the other side's socket closing) changes nothing.
    journal.ended(`c${names}`, 'disconnected', T + 65_000);
    expect(seen(await historyOf(alice))).toEqual([{ callId: `c${names}`, peer: bob, direction: 'outgoing', outcome: 'answered', startedAt: T, durationMs: 60_000 }]);
    expect(seen(await historyOf(bob.toUpperCase()))).toEqual([{ callId: `c${names}`, peer: alice, direction: 'incoming', outcome: 'answered', startedAt: T, durationMs: 60_000 }]);
  });

  it("keeps a guest's call in the member's history only: a guest has none", async () => {
    const [alice] = pair();
    const guest = `guest:${alice}:Zoë: the plumber`;
    journal.ringing({ callId: `c${names}`, caller: guest, callee: alice, onDevices: false }, T);
    journal.answered(`c${names}`, T + 1_000);
    journal.ended(`c${names}`, 'hangup', T + 3_000);
    journal.busy(alice, guest, T + 5_000);
    journal.ringing({ callId: `d${names}`, caller: guest, callee: guest, onDevices: false }, T + 6_000);
    const calls = seen(await historyOf(alice));
    expect(calls).toEqual([
      expect.objectContaining({ peer: guest, direction: 'outgoing', outcome: 'busy' }),
      { callId: `c${names}`, peer: guest, direction: 'incoming', outcome: 'answered', startedAt: T, durationMs: 2_000 },
    ]);
    expect((await historyOf(guest)).calls).toEqual([]);
    const rows = await db.selectFrom('call_records').select('owner_key').where('owner_key', 'like', 'guest:%').execute();
    expect(rows).toEqual([]);
  });

  it.each([
    ['hangup', 'missed'],
    ['timeout', 'missed'],
    ['disconnected', 'missed'],
    ['declined', 'declined'],
    ['unreachable', 'failed'],
  ] as const)('records a call that ended before an answer by %s as %s on both sides', async (end, outcome) => {
    const [alice, bob] = pair();
    journal.ringing({ callId: `c${names}`, caller: alice, callee: bob, onDevices: end === 'unreachable' }, T);
    journal.ended(`c${names}`, end, T + 30_000);
    expect((await historyOf(alice)).calls.map((call) => [call.direction, call.outcome, call.durationMs])).toEqual([['outgoing', outcome, 0]]);
    expect((await historyOf(bob)).calls.map((call) => [call.direction, call.outcome, call.durationMs])).toEqual([['incoming', outcome, 0]]);
  });

  it('records a busy callee as busy for both', async () => {
    const [alice, bob] = pair();
    journal.busy(alice, bob, T);
    expect(seen(await historyOf(alice))).toEqual([expect.objectContaining({ peer: bob, direction: 'outgoing', outcome: 'busy', startedAt: T, durationMs: 0 })]);
    expect(seen(await historyOf(bob))).toEqual([expect.objectContaining({ peer: alice, direction: 'incoming', outcome: 'busy' })]);
  });

  it('keeps one record per party when a device ring continues as a call (X -> Y)', async () => {
    const [alice, bob] = pair();
    const [ring, call] = [`ring${names}`, `call${names}`];
    journal.ringing({ callId: ring, caller: alice, callee: bob, onDevices: true }, T);
    journal.continued(ring, call);
    journal.answered(call, T + 10_000);
    journal.ended(call, 'hangup', T + 15_000);
    for (const [owner, peer, direction] of [[alice, bob, 'outgoing'], [bob, alice, 'incoming']] as const) {
      expect(seen(await historyOf(owner))).toEqual([{ callId: call, peer, direction, outcome: 'answered', startedAt: T, durationMs: 5_000 }]);
    }
  });

  it('pages a user’s history newest first with an opaque cursor, ties included', async () => {
    const [alice, bob] = pair();
    // Two calls start in the same millisecond: the cursor must not lose or repeat either.
    const starts = [T + 1, T + 2, T + 2, T + 3, T + 4];
    starts.forEach((at, n) => journal.ringing({ callId: `p${names}-${n}`, caller: n % 2 ? alice : bob, callee: n % 2 ? bob : alice, onDevices: false }, at));
    await writes.flush();
    const seenIds: string[] = [];
    let before: string | undefined;
    const sizes: number[] = [];
    do {
      const page = await history.page(alice, { limit: 2, ...(before === undefined ? {} : { before: decodeCursor(before) }) });
      sizes.push(page.calls.length);
      seenIds.push(...page.calls.map((call) => call.callId));
      before = page.next;
    } while (before !== undefined);
    expect(sizes).toEqual([2, 2, 1]);
    expect(seenIds.slice(0, 1)).toEqual([`p${names}-4`]);
    expect([...seenIds].sort()).toEqual(starts.map((_, n) => `p${names}-${n}`).sort());
    const startedAt = (await history.page(alice, { limit: 100 })).calls.map((call) => call.startedAt);
    expect(startedAt).toEqual([...starts].reverse());
  });

  it('clears only the user’s own records: the other party keeps theirs', async () => {
    const [alice, bob] = pair();
    journal.ringing({ callId: `c${names}`, caller: alice, callee: bob, onDevices: false }, T);
    journal.ended(`c${names}`, 'timeout', T + 30_000);
    await writes.flush();
    expect(await history.clear(bob.toUpperCase())).toBe(1);
    expect((await historyOf(bob)).calls).toEqual([]);
    expect(seen(await historyOf(alice))).toEqual([expect.objectContaining({ peer: bob, outcome: 'missed' })]);
  });

  it('prunes records older than the retention, keeping newer ones', async () => {
    const [alice, bob] = pair();
    const day = 24 * 60 * 60 * 1000;
    const now = T + 100 * day;
    journal.busy(alice, bob, now - 91 * day);
    journal.busy(alice, bob, now - 89 * day);
    await writes.flush();
    await history.prune(90, now);
    expect((await historyOf(alice)).calls.map((call) => call.startedAt)).toEqual([now - 89 * day]);
  });

  it('logs and goes on when a write fails, keeping the order of the next ones', async () => {
    const [alice, bob] = pair();
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const closed = await openDatabase(await server.fresh());
    await closed.destroy();
    const broken = new SqlCallJournal(closed, writes);
    expect(() => broken.ringing({ callId: `c${names}`, caller: alice, callee: bob, onDevices: false }, T)).not.toThrow();
    journal.ringing({ callId: `c${names}`, caller: alice, callee: bob, onDevices: false }, T);
    journal.ended(`c${names}`, 'declined', T + 1);
    expect((await historyOf(alice)).calls.map((call) => call.outcome)).toEqual(['declined']);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(new RegExp(`^call c${names} ringing not recorded: `)));
    warn.mockRestore();
  });
});
