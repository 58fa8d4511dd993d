/**
 * The SQLite layer under load (src/db/sqlite.ts): statements reused by SQL
 * text, the connection handed out in order, checkpoints off the event loop.
 */
import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test, type TestContext } from 'node:test';

import SqliteDatabase from 'better-sqlite3';

import { connect } from '../../src/db/connect.ts';
import {
  FairLock,
  startCheckpointer,
  StatementCache,
  STATEMENT_CACHE_SIZE,
} from '../../src/db/sqlite.ts';
import { tempDir } from '../helpers.ts';

function openFile(t: TestContext): { sqlite: SqliteDatabase.Database; file: string } {
  const dir = tempDir();
  const file = join(dir, 'test.db');
  const sqlite = new SqliteDatabase(file);
  t.after(() => {
    if (sqlite.open) sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });
  sqlite.pragma('journal_mode = WAL');
  sqlite.exec('create table t (n integer)');
  sqlite.exec('insert into t values (1), (2), (3)');
  return { sqlite, file };
}

test('the same SQL text runs on the statement prepared the first time', (t) => {
  const cache = new StatementCache(openFile(t).sqlite);
  const sql = 'select n from t where n > ?';
  const first = cache.prepare(sql);
  assert.equal(cache.prepare(sql), first);
  assert.deepEqual(first.all([1]), [{ n: 2 }, { n: 3 }]);
  assert.deepEqual(cache.prepare(sql).all([2]), [{ n: 3 }], 'new values, same statement');
});

test('a statement still being iterated is never handed out again', (t) => {
  const cache = new StatementCache(openFile(t).sqlite);
  const sql = 'select n from t order by n';
  const iterating = cache.prepare(sql);
  const seen: unknown[] = [];
  for (const row of iterating.iterate()) {
    const other = cache.prepare(sql);
    assert.notEqual(other, iterating);
    seen.push([row, other.all().length]);
  }
  assert.deepEqual(seen, [
    [{ n: 1 }, 3],
    [{ n: 2 }, 3],
    [{ n: 3 }, 3],
  ]);
});

test('the statement cache is bounded: the oldest text is prepared again after it fills', (t) => {
  const cache = new StatementCache(openFile(t).sqlite);
  const first = cache.prepare('select 0 as n');
  for (let i = 1; i <= STATEMENT_CACHE_SIZE; i++) cache.prepare(`select ${i} as n`);
  assert.notEqual(cache.prepare('select 0 as n'), first);
  const last = cache.prepare(`select ${STATEMENT_CACHE_SIZE} as n`);
  assert.equal(cache.prepare(`select ${STATEMENT_CACHE_SIZE} as n`), last);
});

test('the connection lock serves waiters in the order they asked; a late caller never overtakes', async () => {
  const lock = new FairLock();
  const order: string[] = [];
  await lock.acquire();
  const waiters = ['a', 'b', 'c'].map((name) =>
    lock.acquire().then(() => {
      order.push(name);
      lock.release();
    }),
  );
  lock.release();
  // Asks right after the release, before the woken waiter has run.
  const late = lock.acquire().then(() => {
    order.push('late');
    lock.release();
  });
  await Promise.all([...waiters, late]);
  assert.deepEqual(order, ['a', 'b', 'c', 'late']);
});

test('queries wait for a transaction holding the connection, then run in the order they were sent', async (t) => {
  const dir = tempDir();
  const { db } = connect<{ t: { n: number } }>(`sqlite:${join(dir, 'order.db')}`);
  t.after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  await db.schema.createTable('t').addColumn('n', 'integer').execute();
  const order: number[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const transaction = db.transaction().execute(async (trx) => {
    await trx.insertInto('t').values({ n: 0 }).execute();
    await held;
  });
  await sleep(10);
  const queries = [1, 2, 3, 4].map(async (n) => {
    await db.insertInto('t').values({ n }).execute();
    order.push(n);
  });
  release();
  await Promise.all([transaction, ...queries]);
  assert.deepEqual(order, [1, 2, 3, 4]);
  const rows = await db.selectFrom('t').select('n').execute();
  assert.deepEqual(
    rows.map((r) => r.n),
    [0, 1, 2, 3, 4],
  );
});

test('writes leave WAL checkpoints to a worker thread, which folds the log back on its own', async (t) => {
  const { sqlite, file } = openFile(t);
  const stop = startCheckpointer(sqlite, file);
  t.after(stop);
  assert.equal(sqlite.pragma('wal_autocheckpoint', { simple: true }), 0, 'no checkpoint on commit');
  const before = statSync(file).size;
  const blob = Buffer.alloc(4096, 7);
  sqlite.exec('alter table t add column b blob');
  const insertBlob = sqlite.prepare('insert into t (n, b) values (?, ?)');
  for (let i = 0; i < 300; i++) insertBlob.run(i, blob);
  // Nothing on this connection checkpoints (see above); only the worker can grow the main file.
  for (let waited = 0; statSync(file).size === before && waited < 10_000; waited += 100) {
    await sleep(100);
  }
  assert.ok(statSync(file).size > before + 300 * 4096, 'the worker copied the log into the file');
});
