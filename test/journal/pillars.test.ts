import assert from 'node:assert/strict';
import { test } from 'node:test';

import { MAX_ITEMS } from '../../src/journal/ordered.ts';
import {
  assertConcurrentEditsBothStay,
  assertEditOfDeletedIs404,
  assertProblem,
  ok,
  twoUsers,
  userIdOf,
} from './helpers.ts';

test('a pillar is created, read, changed, archived, listed and deleted', async (t) => {
  const { alice } = await twoUsers(t);
  const created = ok(
    await alice.call('POST', '/api/pillars', {
      name: 'Health',
      description: 'Body and sleep',
      color: '#33aa55',
      icon: 'heart',
      target: 4,
      current: 2.5,
    }),
    201,
  );
  assert.equal(created.name, 'Health');
  assert.equal(created.position, 0);
  assert.equal(created.archived, false);
  const plain = ok(await alice.call('POST', '/api/pillars', { name: 'Work' }), 201);
  assert.deepEqual(
    { d: plain.description, c: plain.color, i: plain.icon, t: plain.target, v: plain.current },
    { d: '', c: null, i: null, t: 0, v: 0 },
  );
  assert.equal(plain.position, 1);

  assert.deepEqual(ok(await alice.call('GET', `/api/pillars/${created.id}`)), created);
  const changed = ok(
    await alice.call('PATCH', `/api/pillars/${created.id}`, {
      name: 'Health & body',
      color: null,
      archived: true,
    }),
  );
  assert.equal(changed.name, 'Health & body');
  assert.equal(changed.color, null);
  assert.equal(changed.icon, 'heart');
  assert.equal(changed.archived, true);
  assert.deepEqual(ok(await alice.call('GET', `/api/pillars/${created.id}`)), changed);

  const list = ok(await alice.call('GET', '/api/pillars'));
  assert.deepEqual(
    list.items.map((p: { name: string }) => p.name),
    ['Health & body', 'Work'],
  );
  assert.equal(list.nextCursor, null);

  assert.equal((await alice.call('DELETE', `/api/pillars/${created.id}`)).statusCode, 204);
  assertProblem(await alice.call('GET', `/api/pillars/${created.id}`), 404);
  assertProblem(await alice.call('DELETE', `/api/pillars/${created.id}`), 404);
});

test('pillars are reordered by listing every one of them once', async (t) => {
  const { alice, bob } = await twoUsers(t);
  const ids: string[] = [];
  for (const name of ['A', 'B', 'C']) {
    ids.push(ok(await alice.call('POST', '/api/pillars', { name }), 201).id);
  }
  const [a, b, c] = ids as [string, string, string];
  const reordered = ok(await alice.call('PUT', '/api/pillars/order', { ids: [c, a, b] }));
  assert.deepEqual(
    reordered.items.map((p: { name: string; position: number }) => [p.name, p.position]),
    [
      ['C', 0],
      ['A', 1],
      ['B', 2],
    ],
  );
  const bobs = ok(await bob.call('POST', '/api/pillars', { name: 'Bob' }), 201).id;
  for (const wrong of [[a, b], [a, b, c, c], [a, b, bobs], [a, b, c, bobs], []]) {
    assertProblem(await alice.call('PUT', '/api/pillars/order', { ids: wrong }), 400);
  }
  assert.deepEqual(
    ok(await alice.call('GET', '/api/pillars')).items.map((p: { name: string }) => p.name),
    ['C', 'A', 'B'],
  );
  // Bob's list is untouched by Alice's reorder attempts.
  assert.deepEqual(ok(await bob.call('GET', '/api/pillars')).items[0].position, 0);
});

test('pillar scores count linked entries of the ISO week against the target', async (t) => {
  const { alice, bob } = await twoUsers(t);
  const health = ok(await alice.call('POST', '/api/pillars', { name: 'Health', target: 4 }), 201);
  const calm = ok(await alice.call('POST', '/api/pillars', { name: 'Calm' }), 201);
  const old = ok(await alice.call('POST', '/api/pillars', { name: 'Old', target: 1 }), 201);
  ok(await alice.call('PATCH', `/api/pillars/${old.id}`, { archived: true }));
  // 2026-W49 runs from Monday 2026-11-30 to Sunday 2026-12-06.
  const days: [string, string[]][] = [
    ['2026-11-29', [health.id]],
    ['2026-11-30', [health.id, calm.id]],
    ['2026-12-02', [health.id]],
    ['2026-12-06', [health.id, old.id]],
    ['2026-12-07', [health.id]],
  ];
  for (const [date, pillarIds] of days) {
    ok(await alice.call('POST', '/api/entries', { date, content: 'x', pillarIds }), 201);
  }
  // Bob's entries never count toward Alice's scores.
  ok(await bob.call('POST', '/api/entries', { date: '2026-12-01', content: 'x' }), 201);

  const scores = ok(await alice.call('GET', '/api/pillars/scores?week=2026-W49'));
  assert.deepEqual(scores, {
    week: '2026-W49',
    items: [
      { pillarId: health.id, name: 'Health', entries: 3, target: 4, ratio: 0.75 },
      { pillarId: calm.id, name: 'Calm', entries: 1, target: 0, ratio: 0 },
      { pillarId: old.id, name: 'Old', entries: 1, target: 1, ratio: 1 },
    ],
  });
  const later = ok(await alice.call('GET', '/api/pillars/scores?week=2026-W50'));
  assert.deepEqual(
    later.items.map((s: { name: string; entries: number }) => [s.name, s.entries]),
    [
      ['Health', 1],
      ['Calm', 0],
    ],
  );
  // Without a week: the current one.
  assert.match(ok(await alice.call('GET', '/api/pillars/scores')).week, /^\d{4}-W\d{2}$/);
  assert.deepEqual(
    ok(await alice.call('GET', '/api/pillars/scores?week=2026-W53')).items.length,
    2,
  );
  assert.deepEqual(ok(await bob.call('GET', '/api/pillars/scores?week=2026-W49')).items, []);
});

test('bad pillar input is refused with a 400 and changes nothing', async (t) => {
  const { alice } = await twoUsers(t);
  const pillar = ok(
    await alice.call('POST', '/api/pillars', { name: 'Kept', color: '#000000' }),
    201,
  );
  for (const body of [
    {},
    { name: '' },
    { name: '   ' },
    { name: 'x'.repeat(101) },
    { name: 'x', color: 'red' },
    { name: 'x', color: '#12345' },
    { name: 'x', target: -1 },
    { name: 'x', target: 1.5 },
    { name: 'x', current: -3 },
    { name: 'x', description: 'd'.repeat(2001) },
    { name: 'x', owner: 'me' },
  ]) {
    assertProblem(await alice.call('POST', '/api/pillars', body), 400);
  }
  for (const body of [{ name: '' }, { color: 'blue' }, { archived: 'maybe' }, { position: 3 }]) {
    assertProblem(await alice.call('PATCH', `/api/pillars/${pillar.id}`, body), 400);
  }
  for (const url of [
    '/api/pillars/not-a-uuid',
    '/api/pillars/scores?week=2021-W53',
    '/api/pillars/scores?week=2026-W00',
    '/api/pillars/scores?week=2026-49',
    '/api/pillars?limit=5',
  ]) {
    assertProblem(await alice.call('GET', url), 400);
  }
  const list = ok(await alice.call('GET', '/api/pillars'));
  assert.equal(list.items.length, 1);
  assert.deepEqual(list.items[0], pillar);
});

test(`a user has at most ${MAX_ITEMS} pillars`, async (t) => {
  const { alice, bob } = await twoUsers(t);
  for (let i = 0; i < MAX_ITEMS; i++) {
    ok(await alice.call('POST', '/api/pillars', { name: `P${i}` }), 201);
  }
  assertProblem(await alice.call('POST', '/api/pillars', { name: 'one too many' }), 409);
  ok(await bob.call('POST', '/api/pillars', { name: 'Bob has room' }), 201);
  assert.equal(ok(await alice.call('GET', '/api/pillars')).items.length, MAX_ITEMS);
});

test("another user's pillars answer exactly like missing ones", async (t) => {
  const { alice, bob } = await twoUsers(t);
  const pillar = ok(await alice.call('POST', '/api/pillars', { name: 'Private' }), 201);
  const missing = await bob.call('GET', '/api/pillars/00000000-0000-4000-8000-000000000000');
  const foreign = await bob.call('GET', `/api/pillars/${pillar.id}`);
  assertProblem(foreign, 404);
  assert.deepEqual(foreign.json(), missing.json());
  assertProblem(await bob.call('PATCH', `/api/pillars/${pillar.id}`, { name: 'Taken' }), 404);
  assertProblem(await bob.call('DELETE', `/api/pillars/${pillar.id}`), 404);
  assertProblem(await bob.call('PUT', '/api/pillars/order', { ids: [pillar.id] }), 400);
  assert.deepEqual(ok(await bob.call('GET', '/api/pillars')), { items: [], nextCursor: null });
  assert.deepEqual(ok(await alice.call('GET', `/api/pillars/${pillar.id}`)), pillar);
});

test('two concurrent edits of different pillar fields both stay', async (t) => {
  const { app, alice } = await twoUsers(t);
  const userId = await userIdOf(alice);
  const pillar = ok(await alice.call('POST', '/api/pillars', { name: 'Health' }), 201);
  await assertConcurrentEditsBothStay(
    (changes) => app.services.journal.pillars.update(userId, pillar.id, changes),
    (round) => [{ name: `Health ${round}` }, { target: round, archived: round % 2 === 0 }],
    async () => ok(await alice.call('GET', `/api/pillars/${pillar.id}`)),
  );
});

test('an edit of a deleted pillar is a 404 and does not bring it back', async (t) => {
  const { alice } = await twoUsers(t);
  const pillar = ok(await alice.call('POST', '/api/pillars', { name: 'Health' }), 201);
  const url = `/api/pillars/${pillar.id}`;
  await assertEditOfDeletedIs404(
    alice,
    url,
    { description: 'late' },
    async () => (await alice.call('GET', url)).statusCode !== 404,
  );
});
