/** SQLite's prepared-statement cache: reuse by SQL text, bounded, never sharing a busy statement. */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import SqliteDatabase from 'better-sqlite3';

import { STATEMENT_CACHE_SIZE, withStatementCache } from '../../src/db/connect.ts';
import { tempDir } from '../helpers.ts';

function open(t: { after(fn: () => void): void }) {
  const dir = tempDir();
  const sqlite = new SqliteDatabase(join(dir, 'cache.db'));
  t.after(() => {
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });
  sqlite.exec('create table t (n integer)');
  sqlite.exec('insert into t values (1), (2), (3)');
  return withStatementCache(sqlite);
}

test('the same SQL text runs on the statement prepared the first time', (t) => {
  const db = open(t);
  const sql = 'select n from t where n > ?';
  const first = db.prepare(sql);
  assert.equal(db.prepare(sql), first);
  assert.deepEqual(first.all([1]), [{ n: 2 }, { n: 3 }]);
  assert.deepEqual(db.prepare(sql).all([2]), [{ n: 3 }], 'new values, same statement');
});

test('a statement still being iterated is never handed out again', (t) => {
  const db = open(t);
  const sql = 'select n from t order by n';
  const iterating = db.prepare(sql) as unknown as SqliteDatabase.Statement;
  const seen: unknown[] = [];
  for (const row of iterating.iterate()) {
    const other = db.prepare(sql);
    assert.notEqual(other, iterating);
    seen.push([row, other.all([]).length]);
  }
  assert.deepEqual(seen, [
    [{ n: 1 }, 3],
    [{ n: 2 }, 3],
    [{ n: 3 }, 3],
  ]);
});

test('the statement cache is bounded: the oldest text is prepared again after it fills', (t) => {
  const db = open(t);
  const first = db.prepare('select 0 as n');
  for (let i = 1; i <= STATEMENT_CACHE_SIZE; i++) db.prepare(`select ${i} as n`);
  assert.notEqual(db.prepare('select 0 as n'), first);
  const last = db.prepare(`select ${STATEMENT_CACHE_SIZE} as n`);
  assert.equal(db.prepare(`select ${STATEMENT_CACHE_SIZE} as n`), last);
});
