/**
 * The embedded SQLite database under load: one better-sqlite3 connection per
 * file, served to Kysely by a driver of our own, and WAL checkpoints moved
 * off the event loop.
 *
 * Why not Kysely's own SQLite driver (measured with `npm run bench`):
 * - it prepared every statement again on every execution, a sixth of a
 *   journal read's CPU; here statements are kept by SQL text;
 * - its connection lock wakes every waiter on each release and lets a late
 *   caller overtake them, so under 50 concurrent requests some waited many
 *   rounds (read p99 ten times p50); here the connection passes to waiters
 *   strictly in the order they asked.
 *
 * A WAL checkpoint copies the log back into the database file and syncs
 * both. SQLite runs it inside whichever write crosses 1,000 log pages, which
 * on a busy disk held the event loop for hundreds of milliseconds. Here that
 * automatic checkpoint is off and a worker thread, on a connection of its
 * own, runs a PASSIVE checkpoint every second: it never blocks a reader or a
 * writer, and its disk syncs wait on the worker's thread, not the server's.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

import type SqliteDatabase from 'better-sqlite3';
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';

/** Statements kept prepared per connection; the hot paths use a few dozen. */
export const STATEMENT_CACHE_SIZE = 500;

/** How often the worker checkpoints the write-ahead log. */
const CHECKPOINT_EVERY_MS = 1000;
/** How long a stopping worker may take to close its connection before it is terminated. */
const WORKER_STOP_MS = 5000;

type Statement = SqliteDatabase.Statement<unknown[], unknown>;

/**
 * Prepared statements by SQL text. Kysely's SQL carries values as `?`
 * parameters, so a query shape always gives the same text. Bounded (oldest
 * out first), because `in (?, ?, …)` lists of other lengths are other texts.
 * A statement still being iterated is busy and never handed out twice.
 */
export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly sqlite: SqliteDatabase.Database) {}

  prepare(sql: string): Statement {
    const cached = this.statements.get(sql);
    if (cached !== undefined && !cached.busy) return cached;
    const statement = this.sqlite.prepare<unknown[], unknown>(sql);
    if (cached === undefined) {
      if (this.statements.size >= STATEMENT_CACHE_SIZE) {
        this.statements.delete(this.statements.keys().next().value as string);
      }
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** A lock handed to waiters in the order they asked, with no overtaking. */
export class FairLock {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    // Handed straight to the next waiter: the lock is never free in between.
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}

class Connection implements DatabaseConnection {
  constructor(private readonly statements: StatementCache) {}

  executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.statements.prepare(compiled.sql);
    const parameters = compiled.parameters as unknown[];
    if (statement.reader) return Promise.resolve({ rows: statement.all(parameters) as R[] });
    const { changes, lastInsertRowid } = statement.run(parameters);
    return Promise.resolve({
      numAffectedRows: BigInt(changes),
      insertId: BigInt(lastInsertRowid),
      rows: [],
    });
  }

  // eslint-disable-next-line require-yield -- nothing here streams; refuse rather than buffer.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not used with SQLite');
  }
}

class FairSqliteDriver implements Driver {
  private readonly connection: Connection;

  constructor(
    private readonly sqlite: SqliteDatabase.Database,
    private readonly lock: FairLock,
    private readonly onDestroy: () => Promise<void>,
  ) {
    this.connection = new Connection(new StatementCache(sqlite));
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.lock.acquire();
    return this.connection;
  }

  async releaseConnection(): Promise<void> {
    this.lock.release();
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // SQLite may have rolled back already (some errors do); a second rollback
    // would fail and hide the error that caused it.
    if (this.sqlite.inTransaction) await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async destroy(): Promise<void> {
    await this.onDestroy();
    this.sqlite.close();
  }
}

/** Kysely's SQLite dialect (compiler, adapter, introspector) over {@link FairSqliteDriver}. */
export class FairSqliteDialect implements Dialect {
  private readonly lock = new FairLock();

  constructor(
    private readonly sqlite: SqliteDatabase.Database,
    private readonly onDestroy: () => Promise<void> = async () => undefined,
  ) {}

  createDriver(): Driver {
    return new FairSqliteDriver(this.sqlite, this.lock, this.onDestroy);
  }

  /** Runs `work` on the connection while no query or transaction of Kysely's holds it. */
  async exclusive<T>(work: (sqlite: SqliteDatabase.Database) => T): Promise<T> {
    await this.lock.acquire();
    try {
      return work(this.sqlite);
    } finally {
      this.lock.release();
    }
  }

  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }

  createAdapter() {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

/** How long a TRUNCATE checkpoint keeps trying while another checkpoint runs. */
const TRUNCATE_DEADLINE_MS = 30_000;

/**
 * Folds the whole log into the database file and empties the log, so pages
 * overwritten on purpose (a deleted data key) leave no copy in it. Runs under
 * the connection lock, so no transaction of ours is open; SQLite refuses at
 * once while the worker's checkpoint runs, so it tries again until the
 * deadline, and throws if the log could not be emptied by then.
 */
export async function truncateCheckpoint(dialect: FairSqliteDialect): Promise<void> {
  const deadline = performance.now() + TRUNCATE_DEADLINE_MS;
  for (;;) {
    const [result] = await dialect.exclusive(
      (sqlite) => sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[],
    );
    if (result?.busy === 0) return;
    if (performance.now() > deadline) {
      throw new Error('the SQLite write-ahead log could not be emptied: a checkpoint stayed busy');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * The worker's code: plain CommonJS, so it runs the same under tsx and
 * compiled. It opens its own connection and checkpoints on a timer; SQLite's
 * own locks make that safe beside the server's connection.
 */
const CHECKPOINT_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, workerData.everyMs);
parentPort.once('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/**
 * Turns off SQLite's checkpoint-on-commit for `sqlite` and starts a worker
 * that checkpoints `file` in the background. Returns how to stop it. Should
 * the worker fail, checkpoint-on-commit comes back, so the log never grows
 * without bound.
 */
export function startCheckpointer(
  sqlite: SqliteDatabase.Database,
  file: string,
): () => Promise<void> {
  const worker = new Worker(CHECKPOINT_WORKER, {
    eval: true,
    workerData: {
      module: createRequire(import.meta.url).resolve('better-sqlite3'),
      file,
      everyMs: CHECKPOINT_EVERY_MS,
    },
  });
  worker.unref();
  sqlite.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  let running = true;
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      running = false;
      // A worker that died leaves the log to checkpoint-on-commit again.
      if (!stopping && sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
      resolve();
    }),
  );
  worker.on('error', () => undefined); // reported by the exit that follows
  return async () => {
    stopping = true;
    if (!running) return;
    worker.ref(); // keep the process up until the worker has closed its connection
    worker.postMessage('stop');
    const late = setTimeout(() => void worker.terminate(), WORKER_STOP_MS);
    await exited;
    clearTimeout(late);
  };
}
