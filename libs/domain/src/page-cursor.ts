import { invalid } from './errors.js';

/**
 * Lists are ordered by (createdAt, id): stable even when rows share a timestamp. A cursor is the
 * last item's pair, opaque to clients (base64url JSON), so the next page starts right after it.
 */
export interface PageCursor {
  createdAt: Date;
  id: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const PAGE_LIMIT_MAX = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(c: PageCursor): string {
  return Buffer.from(JSON.stringify({ t: c.createdAt.toISOString(), i: c.id })).toString('base64url');
}

export function decodeCursor(cursor: string): PageCursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t?: unknown; i?: unknown };
    const createdAt = typeof parsed.t === 'string' ? new Date(parsed.t) : new Date(Number.NaN);
    if (typeof parsed.i === 'string' && UUID.test(parsed.i) && !Number.isNaN(createdAt.getTime())) {
      return { createdAt, id: parsed.i };
    }
  } catch {
    // falls through to the 400 below
  }
  throw invalid('cursor: not a cursor this API returned', 'cursor');
}

/** One page from rows fetched with `limit + 1`: the extra row only says there is more. */
export function pageOf<R extends PageCursor, T>(rows: R[], limit: number, view: (rows: R[]) => T[]): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: view(items), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/** Rows after the cursor, in (createdAt, id) order: for lists kept in memory (small, admin-made). */
export function pageInMemory<R extends PageCursor>(rows: R[], limit: number, cursor?: string): R[] {
  const after = cursor ? decodeCursor(cursor) : null;
  const key = (r: PageCursor): string => `${r.createdAt.toISOString()}\u0000${r.id}`;
  const sorted = [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const start = after ? sorted.findIndex((r) => key(r) > key(after)) : 0;
  return start < 0 ? [] : sorted.slice(start, start + limit + 1);
}
