/**
 * Opens a Kysely instance for a database URL: `sqlite:path` (embedded, the
 * default) or `postgres://…`. SQLite runs in WAL mode with foreign keys on and
 * a busy timeout, so a second process (the CLI during serving) waits instead
 * of failing.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';

import { FairSqliteDialect, startCheckpointer, truncateCheckpoint } from './sqlite.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Database<T> {
  readonly db: Kysely<T>;
  readonly dialect: Dialect;
  /** Present for SQLite only: the file path, for tests and diagnostics. */
  readonly file: string | undefined;
  /**
   * Folds the SQLite write-ahead log back into the file and empties it, so
   * overwritten pages (a deleted data key) leave no copy behind. No-op on
   * PostgreSQL, where VACUUM reclaims dead rows.
   */
  readonly checkpoint: () => Promise<void>;
}

export interface ConnectOptions {
  readonly poolSize?: number;
  /** Receives SQL text and duration, never bound parameters. */
  readonly log?: (sql: string, durationMs: number) => void;
  /**
   * PostgreSQL only: an idle pooled connection failed (the server restarted or
   * ended it). The pool drops that connection and opens another when needed;
   * without a listener the error would stop the process.
   */
  readonly onError?: (err: Error) => void;
}

function logger(options: ConnectOptions) {
  const log = options.log;
  if (log === undefined) return undefined;
  return (event: LogEvent) => log(event.query.sql, event.queryDurationMillis);
}

export function sqliteFile(url: string): string {
  return resolve(url.replace(/^sqlite:(\/\/)?/, ''));
}

export function connect<T>(url: string, options: ConnectOptions = {}): Database<T> {
  if (url.startsWith('sqlite:')) {
    const file = sqliteFile(url);
    // The folder is private to the server's user: the files hold ciphertext, but also metadata.
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const sqlite = new SqliteDatabase(file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    // Deleted content is overwritten with zeros instead of lingering in free pages.
    sqlite.pragma('secure_delete = ON');
    const dialect = new FairSqliteDialect(sqlite, startCheckpointer(sqlite, file));
    const db = new Kysely<T>({ dialect, log: logger(options) });
    const checkpoint = () => truncateCheckpoint(dialect);
    return { db, dialect: 'sqlite', file, checkpoint };
  }
  // Timestamps and dates are stored as text, so no pg type parser is needed.
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  pool.on('error', options.onError ?? (() => undefined));
  const db = new Kysely<T>({ dialect: new PostgresDialect({ pool }), log: logger(options) });
  return { db, dialect: 'postgres', file: undefined, checkpoint: async () => undefined };
}
