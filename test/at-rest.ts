/**
 * What a database holds at rest, as bytes to search for plaintext or secrets,
 * on either backend:
 *
 * - SQLite: the database file with its WAL (and shared memory), read as they
 *   are on disk, so deleted-but-not-overwritten pages count too.
 * - PostgreSQL: the data files belong to the server, not to the test, so every
 *   value of every column of every table is read back through SQL: bytea as
 *   stored, text as UTF-8, anything else as its text form.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { sql, type Kysely } from 'kysely';

import type { Database } from '../src/db/connect.ts';

/** Every file of a SQLite database: the main file, its WAL and shared memory. */
export function sqliteFiles(file: string): string[] {
  const dir = dirname(file);
  const name = basename(file);
  return readdirSync(dir)
    .filter((f) => f === name || f === `${name}-wal` || f === `${name}-shm`)
    .map((f) => join(dir, f))
    .filter(existsSync);
}

/** Either database of the app (their row types differ, the parts read here do not). */
type AnyDatabase = Pick<Database<unknown>, 'file'> & { readonly db: object };

function valueBytes(value: unknown): Buffer | undefined {
  if (value === null || value === undefined) return undefined;
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (value instanceof Date) return Buffer.from(value.toISOString());
  if (typeof value === 'object') return Buffer.from(JSON.stringify(value));
  return Buffer.from(String(value as number | bigint | boolean));
}

/** Every value in every table of the current schema of a PostgreSQL database. */
async function postgresBytes(db: Kysely<unknown>): Promise<Buffer> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db);
  const parts: Buffer[] = [];
  for (const { table_name: table } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    for (const row of rows.rows) {
      for (const [column, value] of Object.entries(row)) {
        const bytes = valueBytes(value);
        // Separated, so a needle cannot match across two values.
        if (bytes !== undefined) parts.push(Buffer.from(`\0${table}.${column}\0`), bytes);
      }
    }
  }
  return Buffer.concat(parts);
}

/** Everything `database` holds, as one buffer to search (see the module comment). */
export async function bytesAtRest(database: AnyDatabase): Promise<Buffer> {
  if (database.file !== undefined) {
    return Buffer.concat(sqliteFiles(database.file).map((f) => readFileSync(f)));
  }
  return postgresBytes(database.db as Kysely<unknown>);
}

/** Where the bytes come from, for assertion messages. */
export function describeAtRest(database: AnyDatabase): string {
  return database.file ?? 'the PostgreSQL database (every column of every table)';
}
