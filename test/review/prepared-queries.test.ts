/**
 * Review of prepared queries (src/db/prepared.ts) as the app uses them:
 * findEntry, pillarLinks (one argument bound twice), findUserKey and the
 * session check. Properties held, on SQLite and on PostgreSQL
 * (TEST_POSTGRES_URL).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';

import { sql, type Kysely } from 'kysely';

import { findLiveSession } from '../../src/auth/sessions/sessions.repository.ts';
import { findUserKey } from '../../src/auth/users/users.repository.ts';
import { connect } from '../../src/db/connect.ts';
import { prepared } from '../../src/db/prepared.ts';
import type { VaultDatabase } from '../../src/db/types.ts';
import { findEntry, pillarLinks } from '../../src/journal/entries/entries.repository.ts';
import { ok, signIn, twoUsers } from '../journal/helpers.ts';
import { createTestDatabases, makeApp, tempDir, TEST_POSTGRES_URL } from '../helpers.ts';

async function idOf(user: Awaited<ReturnType<typeof signIn>>): Promise<string> {
  return ok(await user.call('GET', '/api/auth/profile')).id as string;
}

test('a prepared query binds an argument used twice in both places: another user’s entry and links are never read', async (t) => {
  const { alice, bob, deps } = await twoUsers(t);
  const [aliceId, bobId] = [await idOf(alice), await idOf(bob)];
  const pillar = ok(await alice.call('POST', '/api/pillars', { name: 'Health' }), 201);
  const entry = ok(
    await alice.call('POST', '/api/entries', {
      date: '2026-12-01',
      content: 'alice',
      pillarIds: [pillar.id],
    }),
    201,
  );
  const vault = deps.vault.db;
  // The owner, in both places of the join, then someone else in both places.
  assert.deepEqual((await pillarLinks(vault, aliceId, [entry.id])).get(entry.id), [pillar.id]);
  assert.deepEqual((await pillarLinks(vault, bobId, [entry.id])).get(entry.id), []);
  assert.equal((await findEntry(vault, aliceId, '2026-12-01'))?.id, entry.id);
  assert.equal(await findEntry(vault, bobId, '2026-12-01'), undefined);
  // Alternating callers reuse one compiled query with each call's own values.
  for (let i = 0; i < 3; i++) {
    assert.equal(await findEntry(vault, bobId, '2026-12-01'), undefined);
    assert.equal((await findEntry(vault, aliceId, '2026-12-01'))?.id, entry.id);
  }
  assert.equal((await findUserKey(deps.platform.db, aliceId))?.key_id, deps.keyRing.current.id);
  assert.equal(await findUserKey(deps.platform.db, 'no such user'), undefined);
});

test('a session is live only for its own user: the session check binds the session id and the user id each in its place', async (t) => {
  const { alice, bob, deps } = await twoUsers(t);
  const [aliceId, bobId] = [await idOf(alice), await idOf(bob)];
  const session = await deps.platform.db
    .selectFrom('sessions')
    .select('id')
    .where('user_id', '=', aliceId)
    .executeTakeFirstOrThrow();
  assert.equal((await findLiveSession(deps.platform.db, session.id, aliceId))?.id, session.id);
  assert.equal(await findLiveSession(deps.platform.db, session.id, bobId), undefined);
  assert.equal(await findLiveSession(deps.platform.db, aliceId, session.id), undefined);
});

test('values never reach the SQL text: the same query shape runs the same SQL whatever the values', async (t) => {
  const { app, env } = await makeApp(t);
  const alice = await signIn(app, 'alice@example.test');
  const aliceId = await idOf(alice);
  ok(await alice.call('POST', '/api/entries', { date: '2026-12-01', content: 'x' }), 201);
  // A second connection to the app's vault, logging every SQL text it runs.
  const texts: string[] = [];
  const vault = connect<VaultDatabase>(env.VAULT_DATABASE_URL!, { log: (s) => texts.push(s) });
  t.after(() => vault.db.destroy());
  const hostile = ["2026-12-01' or '1'='1", "x'); drop table entries; --", '$1', '?', '\\'];
  assert.equal((await findEntry(vault.db, aliceId, '2026-12-01'))?.entry_date, '2026-12-01');
  for (const value of hostile) {
    assert.equal(await findEntry(vault.db, aliceId, value), undefined);
    assert.equal(await findEntry(vault.db, value, '2026-12-01'), undefined);
  }
  assert.equal(new Set(texts).size, 1, texts.join('\n'));
  for (const value of hostile.slice(0, 2)) assert.ok(!texts[0]!.includes(value));
  assert.equal((await findEntry(vault.db, aliceId, '2026-12-01'))?.entry_date, '2026-12-01');
});

interface Notes {
  notes: { id: string; owner: string };
}

const notesOf = prepared((db: Kysely<Notes>, owner: string) =>
  db.selectFrom('notes').select('id').where('owner', '=', owner).orderBy('id'),
);

test('one prepared query used on several databases (and dialects) compiles for each and reads each one’s own rows', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const opened: { db: Kysely<Notes>; texts: string[]; name: string }[] = [];
  // Two SQLite files, and PostgreSQL when the suite runs on it.
  const urls = [`sqlite:${dir}/one.db`, `sqlite:${dir}/two.db`];
  if (TEST_POSTGRES_URL !== undefined) {
    const pg = await createTestDatabases(dir);
    t.after(pg.drop);
    urls.push(pg.urls.VAULT_DATABASE_URL);
  }
  for (const [i, url] of urls.entries()) {
    const texts: string[] = [];
    const { db } = connect<Notes>(url, { log: (s) => texts.push(s) });
    t.after(() => db.destroy());
    await sql`create table notes (id text primary key, owner text not null)`.execute(db);
    await db
      .insertInto('notes')
      .values({ id: `n${i}`, owner: 'alice' })
      .execute();
    opened.push({ db, texts, name: url.split(':')[0]! });
  }
  for (let round = 0; round < 2; round++) {
    for (const [i, { db }] of opened.entries()) {
      assert.deepEqual(await notesOf(db, 'alice'), [{ id: `n${i}` }]);
      assert.deepEqual(await notesOf(db, 'bob'), []);
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('notes')
          .values({ id: `t${round}`, owner: 'bob' })
          .execute();
        assert.deepEqual(await notesOf(trx, 'bob'), [{ id: `t${round}` }], 'sees its own write');
        await trx.deleteFrom('notes').where('owner', '=', 'bob').execute();
      });
    }
  }
  for (const { texts, name } of opened) {
    const select = texts.filter((s) => s.includes('"notes"') && s.startsWith('select'));
    assert.ok(select.length >= 4);
    const placeholder = name === 'sqlite' ? /"owner" = \?/ : /"owner" = \$1/;
    for (const text of select) assert.match(text, placeholder);
  }
});
