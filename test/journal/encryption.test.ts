import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sql } from 'kysely';

import { DataKeys } from '../../src/auth/accounts/data-keys.ts';
import { sealedAd, sealJson } from '../../src/crypto/sealed.ts';
import { bytesAtRest } from '../at-rest.ts';
import { assertProblem, ok, twoUsers, type User } from './helpers.ts';

async function userId(user: User): Promise<string> {
  return ok(await user.call('GET', '/api/auth/profile')).id;
}

test('the vault database holds none of the plaintext written through the API', async (t) => {
  const { alice, deps } = await twoUsers(t);
  const secrets = {
    entryTitle: 'Quixotic-Title-4417',
    entryContent: 'I confessed the zebra-marmalade incident to nobody',
    pillarName: 'Pillar-Of-Saltpetre-93',
    pillarDescription: 'Description-Hyacinth-Velvet',
    habitName: 'Habit-Juggle-Pinecones',
    moodName: 'Mood-Flibbertigibbet',
    moodNote: 'Mood-note-Obsidian-Kettle',
    strongestEmotion: 'Emotion-Wistful-Tangerine',
    avoiding: 'Avoiding-the-Periwinkle-Letter',
    gaveEnergy: 'Energy-Accordion-Practice',
    honestNote: 'Honest-note-Lighthouse-Keeper',
    wins: 'Wins-Marzipan-Summit',
    patterns: 'Patterns-Cobalt-Lantern',
  };
  const pillar = ok(
    await alice.call('POST', '/api/pillars', {
      name: secrets.pillarName,
      description: secrets.pillarDescription,
    }),
    201,
  );
  ok(
    await alice.call('POST', '/api/entries', {
      date: '2026-12-03',
      title: secrets.entryTitle,
      content: secrets.entryContent,
      pillarIds: [pillar.id],
    }),
    201,
  );
  const habit = ok(await alice.call('POST', '/api/habits', { name: secrets.habitName }), 201);
  const mood = ok(
    await alice.call('POST', '/api/moods', { name: secrets.moodName, emoji: '🦄' }),
    201,
  );
  ok(await alice.call('POST', '/api/moods/log', { moodId: mood.id, note: secrets.moodNote }), 201);
  ok(
    await alice.call('PUT', '/api/feels/2026-12-03/morning', {
      mentalState: 4,
      strongestEmotion: secrets.strongestEmotion,
      avoiding: secrets.avoiding,
      habitsDone: [habit.id],
    }),
  );
  ok(
    await alice.call('PUT', '/api/feels/2026-12-03/evening', {
      gaveEnergy: secrets.gaveEnergy,
      pressureOrPurpose: 'pressure',
      honestNote: secrets.honestNote,
    }),
  );
  ok(
    await alice.call('PUT', '/api/weekly/2026-W49', {
      wins: secrets.wins,
      patterns: secrets.patterns,
    }),
  );
  // The API gives everything back...
  assert.equal(
    ok(await alice.call('GET', '/api/entries/2026-12-03')).content,
    secrets.entryContent,
  );

  // ...but neither database holds any of it: on SQLite no byte of the files,
  // on PostgreSQL no value of any column of any table.
  const vault = await bytesAtRest(deps.vault);
  assert.ok(vault.length > 0);
  const platform = await bytesAtRest(deps.platform);
  for (const [field, secret] of Object.entries(secrets)) {
    for (const encoding of ['utf8', 'utf16le'] as const) {
      assert.equal(vault.indexOf(Buffer.from(secret, encoding)), -1, `${field} in the vault`);
      assert.equal(platform.indexOf(Buffer.from(secret, encoding)), -1, `${field} in platform`);
    }
  }

  // Every payload is a sealed value (version 1, IV, ciphertext, tag) padded to a size bucket.
  for (const table of [
    'entries',
    'pillars',
    'feels',
    'habits',
    'moods',
    'mood_logs',
    'weekly_recaps',
  ]) {
    const { rows } = await sql<{
      payload: Buffer;
    }>`SELECT payload FROM ${sql.table(table)}`.execute(deps.vault.db);
    assert.ok(rows.length > 0, table);
    for (const { payload } of rows) {
      assert.equal(payload[0], 1, table);
      const padded = payload.length - 1 - 12 - 16;
      assert.ok(padded >= 256 && (padded & (padded - 1)) === 0, `${table}: ${padded}`);
    }
  }
});

test('a payload copied into another row is refused with a 500 that shows nothing, and the server keeps serving', async (t) => {
  const { app, alice, bob, deps } = await twoUsers(t);
  const secret = 'Alice wrote this and only Alice may read it';
  ok(await alice.call('POST', '/api/entries', { date: '2026-12-01', content: secret }), 201);
  ok(
    await alice.call('POST', '/api/entries', { date: '2026-12-02', content: 'her other day' }),
    201,
  );
  ok(await bob.call('POST', '/api/entries', { date: '2026-12-05', content: "Bob's day" }), 201);

  const db = deps.vault.db;
  const payloadOf = async (date: string, user: string) =>
    (
      await db
        .selectFrom('entries')
        .select('payload')
        .where('entry_date', '=', date)
        .where('user_id', '=', user)
        .executeTakeFirstOrThrow()
    ).payload;
  const copy = (payload: Buffer, date: string, user: string) =>
    db
      .updateTable('entries')
      .set({ payload })
      .where('entry_date', '=', date)
      .where('user_id', '=', user)
      .execute();
  const aliceId = await userId(alice);
  const bobId = await userId(bob);

  // Into Bob's row: under Bob's key and Bob's row id, Alice's ciphertext does not open.
  await copy(await payloadOf('2026-12-01', aliceId), '2026-12-05', bobId);
  // Into Alice's other row: same key, but the associated data names another row.
  await copy(await payloadOf('2026-12-01', aliceId), '2026-12-02', aliceId);

  for (const res of [
    await bob.call('GET', '/api/entries/2026-12-05'),
    await bob.call('GET', '/api/entries'),
    await bob.call('GET', '/api/entries/search?q=alice'),
    await bob.call('PATCH', '/api/entries/2026-12-05', { title: 'edit' }),
    await alice.call('GET', '/api/entries/2026-12-02'),
  ]) {
    const problem = assertProblem(res, 500);
    assert.ok(!res.body.includes('Alice wrote'), res.body);
    assert.equal(problem.detail, 'Something went wrong on our side');
    assert.ok((problem as { requestId?: string }).requestId);
  }

  // The server is still up and the untouched row still reads.
  assert.equal((await app.inject({ method: 'GET', url: '/api/health' })).statusCode, 200);
  assert.equal(ok(await alice.call('GET', '/api/entries/2026-12-01')).content, secret);
  ok(await bob.call('POST', '/api/entries', { date: '2026-12-06', content: 'still writing' }), 201);
});

test('a payload that opens but has the wrong shape is refused with a 500, never served', async (t) => {
  const { alice, deps } = await twoUsers(t);
  const pillar = ok(await alice.call('POST', '/api/pillars', { name: 'Health' }), 201);
  const aliceId = await userId(alice);
  const key = await new DataKeys(deps.platform.db, deps.keyRing).forUser(aliceId);
  const db = deps.vault.db;
  const forged = sealJson(
    key,
    { name: 42, leaked: 'not a pillar' },
    sealedAd('pillars', 'payload', pillar.id, aliceId),
  );
  await db.updateTable('pillars').set({ payload: forged }).where('id', '=', pillar.id).execute();
  const res = await alice.call('GET', `/api/pillars/${pillar.id}`);
  assertProblem(res, 500);
  assert.ok(!res.body.includes('not a pillar'));
  await db
    .updateTable('pillars')
    .set({ payload: Buffer.from('plain text') })
    .where('id', '=', pillar.id)
    .execute();
  assertProblem(await alice.call('GET', '/api/pillars'), 500);
  assertProblem(await alice.call('GET', '/api/pillars/scores?week=2026-W49'), 500);
});
