import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SYSTEM_MOODS } from '../../src/journal/moods/moods.service.ts';
import {
  assertConcurrentEditsBothStay,
  assertEditOfDeletedIs404,
  assertProblem,
  ok,
  twoUsers,
  userIdOf,
} from './helpers.ts';

const SYSTEM_ID = SYSTEM_MOODS[0]?.id ?? '';

test('the mood list starts with the fixed system moods, each with an emoji', async (t) => {
  const { alice } = await twoUsers(t);
  const list = ok(await alice.call('GET', '/api/moods'));
  assert.ok(list.items.length >= 8);
  assert.deepEqual(list.items, SYSTEM_MOODS);
  for (const mood of list.items) {
    assert.equal(mood.system, true);
    assert.ok(mood.emoji.length > 0);
  }
});

test('own moods are created, changed, archived, restored and deleted', async (t) => {
  const { alice } = await twoUsers(t);
  const mood = ok(await alice.call('POST', '/api/moods', { name: 'Cosy', emoji: '🧸' }), 201);
  assert.deepEqual(
    { ...mood, id: undefined },
    { id: undefined, name: 'Cosy', emoji: '🧸', system: false, archived: false },
  );
  const changed = ok(await alice.call('PATCH', `/api/moods/${mood.id}`, { emoji: '☕' }));
  assert.deepEqual([changed.name, changed.emoji], ['Cosy', '☕']);
  assert.equal(ok(await alice.call('POST', `/api/moods/${mood.id}/archive`)).archived, true);
  const list = ok(await alice.call('GET', '/api/moods'));
  assert.deepEqual(list.items.at(-1), { ...changed, archived: true });
  assert.equal(ok(await alice.call('POST', `/api/moods/${mood.id}/restore`)).archived, false);
  assert.equal((await alice.call('DELETE', `/api/moods/${mood.id}`)).statusCode, 204);
  assertProblem(await alice.call('PATCH', `/api/moods/${mood.id}`, { name: 'x' }), 404);
  assert.equal(ok(await alice.call('GET', '/api/moods')).items.length, SYSTEM_MOODS.length);
});

test('system moods cannot be changed, archived or deleted', async (t) => {
  const { alice } = await twoUsers(t);
  for (const [method, url, body] of [
    ['PATCH', `/api/moods/${SYSTEM_ID}`, { name: 'Mine now' }],
    ['POST', `/api/moods/${SYSTEM_ID}/archive`, undefined],
    ['POST', `/api/moods/${SYSTEM_ID}/restore`, undefined],
    ['DELETE', `/api/moods/${SYSTEM_ID}`, undefined],
  ] as const) {
    const problem = assertProblem(await alice.call(method, url, body), 403);
    assert.match(problem.detail, /System moods cannot be changed/);
  }
  assert.deepEqual(ok(await alice.call('GET', '/api/moods')).items, SYSTEM_MOODS);
});

test('the mood log records system or own moods with a note, newest first, by range and page', async (t) => {
  const { alice } = await twoUsers(t);
  const own = ok(await alice.call('POST', '/api/moods', { name: 'Cosy', emoji: '🧸' }), 201);
  const first = ok(
    await alice.call('POST', '/api/moods/log', {
      moodId: SYSTEM_ID,
      note: 'sunny morning',
      at: '2026-12-01T08:00:00+01:00',
    }),
    201,
  );
  assert.deepEqual(
    { ...first, id: undefined },
    { id: undefined, moodId: SYSTEM_ID, note: 'sunny morning', at: '2026-12-01T07:00:00.000Z' },
  );
  ok(
    await alice.call('POST', '/api/moods/log', { moodId: own.id, at: '2026-12-02T21:00:00Z' }),
    201,
  );
  const now = ok(await alice.call('POST', '/api/moods/log', { moodId: own.id }), 201);
  assert.equal(now.note, null);
  assert.ok(Math.abs(Date.parse(now.at) - Date.now()) < 60_000);

  const page = ok(await alice.call('GET', '/api/moods/log?limit=2'));
  assert.deepEqual(page.items.map((l: { id: string }) => l.id)[0], now.id);
  const rest = ok(await alice.call('GET', `/api/moods/log?limit=2&cursor=${page.nextCursor}`));
  assert.deepEqual(
    rest.items.map((l: { note: string | null }) => l.note),
    ['sunny morning'],
  );
  assert.equal(rest.nextCursor, null);
  const range = ok(await alice.call('GET', '/api/moods/log?from=2026-12-02&to=2026-12-02'));
  assert.deepEqual(
    range.items.map((l: { moodId: string; at: string }) => [l.moodId, l.at]),
    [[own.id, '2026-12-02T21:00:00.000Z']],
  );
  // A mood in the log is kept: archive it instead.
  assertProblem(await alice.call('DELETE', `/api/moods/${own.id}`), 409);
  ok(await alice.call('POST', `/api/moods/${own.id}/archive`));
});

test('bad mood input is refused with a 400 and changes nothing', async (t) => {
  const { alice } = await twoUsers(t);
  const mood = ok(await alice.call('POST', '/api/moods', { name: 'Kept', emoji: '🙂' }), 201);
  for (const body of [
    {},
    { name: 'x' },
    { name: '', emoji: '🙂' },
    { name: 'x', emoji: '' },
    { name: 'x', emoji: '🙂'.repeat(17) },
    { name: 'x'.repeat(51), emoji: '🙂' },
    { name: 'x', emoji: '🙂', system: true },
  ]) {
    assertProblem(await alice.call('POST', '/api/moods', body), 400);
  }
  assertProblem(await alice.call('PATCH', `/api/moods/${mood.id}`, { archived: true }), 400);
  assertProblem(await alice.call('PATCH', '/api/moods/not-an-id', { name: 'x' }), 400);
  for (const body of [
    {},
    { moodId: 'sad' },
    { moodId: SYSTEM_ID, at: 'yesterday' },
    { moodId: SYSTEM_ID, at: '2026-02-30T10:00:00Z' },
    { moodId: SYSTEM_ID, note: 'n'.repeat(1001) },
  ]) {
    assertProblem(await alice.call('POST', '/api/moods/log', body), 400);
  }
  for (const url of [
    '/api/moods/log?from=2026-02-30',
    '/api/moods/log?from=2026-02-01&to=2026-01-01',
  ]) {
    assertProblem(await alice.call('GET', url), 400);
  }
  assert.deepEqual(ok(await alice.call('GET', '/api/moods')).items.at(-1), mood);
  assert.deepEqual(ok(await alice.call('GET', '/api/moods/log')).items, []);
});

test("another user's moods and mood log answer exactly like missing ones", async (t) => {
  const { alice, bob } = await twoUsers(t);
  const mood = ok(await alice.call('POST', '/api/moods', { name: 'Private', emoji: '🔒' }), 201);
  ok(await alice.call('POST', '/api/moods/log', { moodId: mood.id, note: 'hidden' }), 201);
  const missingId = '00000000-0000-4000-8000-000000000000';
  const missing = await bob.call('PATCH', `/api/moods/${missingId}`, { name: 'x' });
  const foreign = await bob.call('PATCH', `/api/moods/${mood.id}`, { name: 'x' });
  assertProblem(foreign, 404);
  assert.deepEqual(foreign.json(), missing.json());
  assertProblem(await bob.call('POST', `/api/moods/${mood.id}/archive`), 404);
  assertProblem(await bob.call('POST', `/api/moods/${mood.id}/restore`), 404);
  assertProblem(await bob.call('DELETE', `/api/moods/${mood.id}`), 404);
  assertProblem(await bob.call('POST', '/api/moods/log', { moodId: mood.id }), 404);
  assert.deepEqual(ok(await bob.call('GET', '/api/moods')).items, SYSTEM_MOODS);
  assert.deepEqual(ok(await bob.call('GET', '/api/moods/log')), { items: [], nextCursor: null });
  assert.equal(ok(await alice.call('GET', '/api/moods/log')).items[0].note, 'hidden');
});

test('two concurrent edits of different mood fields both stay', async (t) => {
  const { app, alice } = await twoUsers(t);
  const userId = await userIdOf(alice);
  const mood = ok(await alice.call('POST', '/api/moods', { name: 'Cosy', emoji: '🧸' }), 201);
  const emojis = ['☕', '🌧', '🔥'];
  await assertConcurrentEditsBothStay(
    (changes) => app.services.journal.moods.update(userId, mood.id, changes),
    (round) => [{ name: `Cosy ${round}` }, { emoji: emojis[round % emojis.length] ?? '☕' }],
    async () => ok(await alice.call('GET', '/api/moods')).items.at(-1),
  );
});

test('an edit of a deleted mood is a 404 and does not bring it back', async (t) => {
  const { alice } = await twoUsers(t);
  const mood = ok(await alice.call('POST', '/api/moods', { name: 'Cosy', emoji: '🧸' }), 201);
  await assertEditOfDeletedIs404(
    alice,
    `/api/moods/${mood.id}`,
    { name: 'Late' },
    async () => ok(await alice.call('GET', '/api/moods')).items.length > SYSTEM_MOODS.length,
  );
});
