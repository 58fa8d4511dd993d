/** Opaque list cursors: the sort key of the last row sent, as base64url JSON. */
import { badRequest } from './errors.ts';

export const DEFAULT_LIMIT = 30;
export const MAX_LIMIT = 100;

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export function encodeCursor(parts: readonly string[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

/** Decodes a cursor made by {@link encodeCursor} with `size` parts, or refuses it with a 400. */
export function decodeCursor(cursor: string, size: number): string[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parts) &&
      parts.length === size &&
      parts.every((p): p is string => typeof p === 'string' && p.length <= 200)
    ) {
      return parts;
    }
  } catch {
    // fall through to the refusal
  }
  throw badRequest('cursor is not a cursor this API returned', [
    { path: '/querystring/cursor', message: 'is invalid' },
  ]);
}

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only tells
 * whether there is a next page.
 */
export function toPage<R, T>(
  rows: readonly R[],
  limit: number,
  cursorOf: (row: R) => readonly string[],
  map: (row: R) => T,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null,
  };
}
