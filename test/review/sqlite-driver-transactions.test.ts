/**
 * Review of the SQLite driver's transactions (src/db/sqlite.ts): one
 * connection shared by every request, so a transaction must hold it from
 * `begin` to `commit`/`rollback`, and every way a transaction can fail must
 * give it back closed. Properties held.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test, type TestContext } from 'node:test';

import SqliteDatabase from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';

import { connect } from '../../src/db/connect.ts';
import { StatementCache } from '../../src/db/sqlite.ts';
import { tempDir } from '../helpers.ts';

interface Tables {
  parent: { id: number };
  child: { id: number; parent_id: number };
}

async function open(t: TestContext): Promise<Kysely<Tables>> {
  const dir = tempDir();
  const { db } = connect<Tables>(`sqlite:${join(dir, 'tx.db')}`);
  t.after(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  await sql`create table parent (id integer primary key)`.execute(db);
  await sql`create table child (id integer primary key, parent_id integer not null
    references parent(id) deferrable initially deferred)`.execute(db);
  return db;
}

const ids = async (db: Kysely<Tables>) =>
  (await db.selectFrom('parent').select('id').orderBy('id').execute()).map((r) => r.id);

/** The connection is free, outside any transaction, and a new transaction begins and commits. */
async function assertUsable(db: Kysely<Tables>, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('parent').values({ id }).execute();
  });
  assert.ok((await ids(db)).includes(id));
}

test('a query sent while another request’s transaction is open waits for it, never runs inside it, and sees nothing it rolled back', async (t) => {
  const db = await open(t);
  let fail!: () => void;
  const failing = new Promise<void>((_, reject) => (fail = () => reject(new Error('boom'))));
  const transaction = db.transaction().execute(async (trx) => {
    await trx.insertInto('parent').values({ id: 1 }).execute();
    await failing; // a request awaiting something else with its transaction open
  });
  await sleep(10);
  let seen: number[] | undefined;
  const other = (async () => {
    seen = await ids(db);
    // Had it run inside the open transaction, this write would be rolled back with it.
    await db.insertInto('parent').values({ id: 2 }).execute();
  })();
  await sleep(20);
  assert.equal(seen, undefined, 'the other query waits for the connection');
  fail();
  await assert.rejects(transaction, /boom/);
  await other;
  assert.deepEqual(seen, [], 'the uncommitted row was never visible');
  assert.deepEqual(await ids(db), [2]);
  await assertUsable(db, 3);
});

test('a statement that fails inside a transaction rolls it back and frees the connection', async (t) => {
  const db = await open(t);
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await trx.insertInto('parent').values({ id: 1 }).execute();
      await trx.insertInto('parent').values({ id: 1 }).execute(); // primary key
    }),
    /UNIQUE constraint failed/,
  );
  assert.deepEqual(await ids(db), []);
  await assertUsable(db, 2);
});

test('a commit that fails (deferred foreign key) rolls the transaction back and frees the connection', async (t) => {
  const db = await open(t);
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await trx.insertInto('parent').values({ id: 1 }).execute();
      await trx.insertInto('child').values({ id: 1, parent_id: 99 }).execute();
    }),
    /FOREIGN KEY constraint failed/,
  );
  assert.deepEqual(await ids(db), [], 'nothing of the failed transaction stayed');
  await assertUsable(db, 2);
});

test('a statement that makes SQLite end the transaction itself (OR ROLLBACK) still leaves the connection free and outside any transaction', async (t) => {
  const db = await open(t);
  await db.insertInto('parent').values({ id: 1 }).execute();
  await assert.rejects(
    db.transaction().execute(async (trx) => {
      await trx.insertInto('parent').values({ id: 2 }).execute();
      await sql`insert or rollback into parent (id) values (1)`.execute(trx);
    }),
  );
  assert.deepEqual(await ids(db), [1]);
  await assertUsable(db, 3);
});

test('many concurrent transactions, some failing, each commit or roll back whole', async (t) => {
  const db = await open(t);
  const results = await Promise.allSettled(
    Array.from({ length: 40 }, (_, i) =>
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('parent')
          .values({ id: i * 10 })
          .execute();
        await sleep(Math.random() * 3);
        if (i % 3 === 0) throw new Error(`fail ${i}`);
        await trx
          .insertInto('parent')
          .values({ id: i * 10 + 1 })
          .execute();
      }),
    ),
  );
  const committed = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
  assert.deepEqual(
    committed,
    Array.from({ length: 40 }, (_, i) => i).filter((i) => i % 3 !== 0),
  );
  assert.deepEqual(
    await ids(db),
    committed.flatMap((i) => [i * 10, i * 10 + 1]),
  );
  await assertUsable(db, 10_000);
});

test('a kept statement never runs with values left over from an earlier call', (t) => {
  const dir = tempDir();
  const sqlite = new SqliteDatabase(join(dir, 'c.db'));
  t.after(() => {
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const cache = new StatementCache(sqlite);
  const text = 'select ? as a, ? as b';
  assert.deepEqual(cache.prepare(text).all(['alice', 'secret']), [{ a: 'alice', b: 'secret' }]);
  assert.throws(() => cache.prepare(text).all(['bob']), /Too few parameter values/);
  assert.deepEqual(cache.prepare(text).all(['bob', null]), [{ a: 'bob', b: null }]);
});
