import { decodeCursor, encodeCursor, MAX_HISTORY_LIMIT, parseHistoryQuery } from './history-query';

describe('history query', () => {
  it('round-trips a cursor, opaque to the client', () => {
    const cursor = { startedAt: 1_700_000_000_123, id: '0b6c3a8e-1d2f-4c5b-9a7e-3f1d2c4b5a69' };
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(text).not.toContain(cursor.id);
    expect(decodeCursor(text)).toEqual(cursor);
  });

  it.each(['', 'not a cursor', Buffer.from('123').toString('base64url'), Buffer.from('x:id').toString('base64url'), Buffer.from('1:id;drop').toString('base64url'), Buffer.from('99999999999999999:id').toString('base64url'), 'a'.repeat(200)])(
    'refuses %j as a cursor',
    (text) => expect(decodeCursor(text)).toBeUndefined(),
  );

  it('defaults to 50 calls from the newest', () => {
    expect(parseHistoryQuery({})).toEqual({ query: { limit: 50 } });
  });

  it.each(['1', '100', '007'])('takes limit=%s', (limit) => {
    expect(parseHistoryQuery({ limit })).toEqual({ query: { limit: Number(limit) } });
  });

  it.each(['0', '101', '-1', '1.5', 'ten', '', '1e2', ['1', '2']])('refuses limit=%j in words', (limit) => {
    expect(parseHistoryQuery({ limit })).toEqual({ error: `limit must be a whole number from 1 to ${MAX_HISTORY_LIMIT} (default 50)` });
  });

  it('takes a cursor from a previous page, and refuses anything else in words', () => {
    const before = encodeCursor({ startedAt: 5, id: 'abc' });
    expect(parseHistoryQuery({ before, limit: '2' })).toEqual({ query: { before: { startedAt: 5, id: 'abc' }, limit: 2 } });
    for (const bad of ['garbage!', '', [before, before]]) {
      expect(parseHistoryQuery({ before: bad })).toEqual({ error: "before must be the 'next' value of a previous history page" });
    }
  });
});
