import type { Dialect } from '../connect.ts';

/** Binary column type: SQLite's `blob` is PostgreSQL's `bytea`. */
export function binary(dialect: Dialect): 'blob' | 'bytea' {
  return dialect === 'postgres' ? 'bytea' : 'blob';
}
