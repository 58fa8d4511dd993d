/**
 * Prepared queries (src/db/prepared.ts): compiled once, run with each call's
 * own values, always as bound parameters. Runs on SQLite, and on PostgreSQL
 * when TEST_POSTGRES_URL is set.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test, type TestContext } from 'node:test';

import { sql, type Kysely } from 'kysely';

import { connect } from '../../src/db/connect.ts';
import { prepared } from '../../src/db/prepared.ts';
import { createTestDatabases, tempDir } from '../helpers.ts';

interface Db {
  notes: { id: string; owner: string; n: number };
}

async function notes(t: TestContext): Promise<Kysely<Db>> {
  const dir = tempDir();
  const databases = await createTestDatabases(dir);
  const { db } = connect<Db>(databases.urls.VAULT_DATABASE_URL);
  t.after(async () => {
    await db.destroy();
    await databases.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  await sql`create table notes (id text primary key, owner text not null, n integer not null)`.execute(
    db,
  );
  await db
    .insertInto('notes')
    .values([
      { id: 'a1', owner: 'alice', n: 1 },
      { id: 'a2', owner: 'alice', n: 2 },
      { id: 'b1', owner: 'bob', n: 3 },
    ])
    .execute();
  return db;
}

const byOwner = prepared((db: Kysely<Db>, owner: string, above: number) =>
  db
    .selectFrom('notes')
    .select(['id', 'n'])
    .where('owner', '=', owner)
    .where('n', '>', above)
    .orderBy('id'),
);

test('a prepared query runs with each call’s own values, not the first call’s', async (t) => {
  const db = await notes(t);
  assert.deepEqual(await byOwner(db, 'alice', 0), [
    { id: 'a1', n: 1 },
    { id: 'a2', n: 2 },
  ]);
  assert.deepEqual(await byOwner(db, 'alice', 1), [{ id: 'a2', n: 2 }]);
  assert.deepEqual(await byOwner(db, 'bob', 0), [{ id: 'b1', n: 3 }]);
  await db.transaction().execute(async (trx) => {
    assert.deepEqual(await byOwner(trx, 'bob', 0), [{ id: 'b1', n: 3 }]);
  });
});

test('a prepared query binds its values: SQL in a value matches nothing', async (t) => {
  const db = await notes(t);
  assert.deepEqual(await byOwner(db, "alice' or '1'='1", 0), []);
});

test('a prepared query that leaves an argument out of its parameters is refused', async (t) => {
  const db = await notes(t);
  const careless = prepared((db: Kysely<Db>, owner: string, _unused: string) =>
    db.selectFrom('notes').select('id').where('owner', '=', owner),
  );
  await assert.rejects(careless(db, 'alice', 'x'), /binds 1 of its 2 arguments/);
});
