/** Where a history page starts: just older than this row (newest first: `started_at` desc, then `id` desc). */
export interface HistoryCursor {
  readonly startedAt: number;
  readonly id: string;
}

export const DEFAULT_HISTORY_LIMIT = 50;
export const MAX_HISTORY_LIMIT = 100;

const CURSOR_PATTERN = /^(\d{1,16}):([A-Za-z0-9-]{1,64})$/;

/** Opaque to clients: they pass back what `next` gave them. */
export function encodeCursor(cursor: HistoryCursor): string {
  return Buffer.from(`${cursor.startedAt}:${cursor.id}`).toString('base64url');
}

export function decodeCursor(text: string): HistoryCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(text)) return undefined;
  const match = CURSOR_PATTERN.exec(Buffer.from(text, 'base64url').toString());
  if (match === null) return undefined;
  const startedAt = Number(match[1]);
  return Number.isSafeInteger(startedAt) ? { startedAt, id: match[2] } : undefined;
}

export interface HistoryQuery {
  readonly before?: HistoryCursor;
  readonly limit: number;
}

/** `GET /api/history`'s query string, checked: the query, or what is wrong with it in words. */
export function parseHistoryQuery(query: { readonly before?: unknown; readonly limit?: unknown }): { query: HistoryQuery } | { error: string } {
  let limit = DEFAULT_HISTORY_LIMIT;
  if (query.limit !== undefined) {
    if (typeof query.limit !== 'string' || !/^\d{1,3}$/.test(query.limit) || Number(query.limit) < 1 || Number(query.limit) > MAX_HISTORY_LIMIT) {
      return { error: `limit must be a whole number from 1 to ${MAX_HISTORY_LIMIT} (default ${DEFAULT_HISTORY_LIMIT})` };
    }
    limit = Number(query.limit);
  }
  if (query.before === undefined) return { query: { limit } };
  const before = typeof query.before === 'string' ? decodeCursor(query.before) : undefined;
  if (before === undefined) return { error: "before must be the 'next' value of a previous history page" };
  return { query: { before, limit } };
}
