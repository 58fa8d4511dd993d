import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertProblem, ok, twoUsers } from './helpers.ts';

test('an entry is written, read by its date, changed, listed and deleted', async (t) => {
  const { alice } = await twoUsers(t);
  const pillar = ok(await alice.call('POST', '/api/pillars', { name: 'Health' }), 201);
  const created = ok(
    await alice.call('POST', '/api/entries', {
      date: '2026-12-03',
      title: 'Thursday',
      content: 'A long walk by the river.',
      pillarIds: [pillar.id],
    }),
    201,
  );
  assert.equal(created.date, '2026-12-03');
  assert.equal(created.completed, false);
  assert.deepEqual(created.pillarIds, [pillar.id]);

  const read = ok(await alice.call('GET', '/api/entries/2026-12-03'));
  assert.deepEqual(read, created);

  const changed = ok(
    await alice.call('PATCH', '/api/entries/2026-12-03', { completed: true, pillarIds: [] }),
  );
  assert.equal(changed.completed, true);
  assert.equal(changed.content, 'A long walk by the river.');
  assert.deepEqual(changed.pillarIds, []);
  assert.ok(changed.updatedAt >= created.updatedAt);

  const list = ok(await alice.call('GET', '/api/entries'));
  assert.deepEqual(
    list.items.map((e: { date: string }) => e.date),
    ['2026-12-03'],
  );
  assert.equal(list.nextCursor, null);

  assert.equal((await alice.call('DELETE', '/api/entries/2026-12-03')).statusCode, 204);
  assertProblem(await alice.call('GET', '/api/entries/2026-12-03'), 404);
  assertProblem(await alice.call('DELETE', '/api/entries/2026-12-03'), 404);
  assertProblem(await alice.call('PATCH', '/api/entries/2026-12-03', { title: 'x' }), 404);
});

test('a second entry for the same day is a 409, also when two creates race', async (t) => {
  const { alice, bob } = await twoUsers(t);
  ok(await alice.call('POST', '/api/entries', { date: '2026-12-01', content: 'first' }), 201);
  assertProblem(
    await alice.call('POST', '/api/entries', { date: '2026-12-01', content: 'second' }),
    409,
  );
  const racing = await Promise.all(
    Array.from({ length: 4 }, (_, i) =>
      alice.call('POST', '/api/entries', { date: '2026-12-02', content: `racer ${i}` }),
    ),
  );
  assert.deepEqual(racing.map((r) => r.statusCode).sort(), [201, 409, 409, 409]);
  // Another user's entry that day is no conflict for Bob.
  ok(await bob.call('POST', '/api/entries', { date: '2026-12-01', content: "Bob's" }), 201);
  assert.equal(ok(await alice.call('GET', '/api/entries/2026-12-01')).content, 'first');
});

test('entries list newest first, page with a cursor and filter by an inclusive range', async (t) => {
  const { alice } = await twoUsers(t);
  for (const day of ['01', '02', '03', '04', '05']) {
    ok(await alice.call('POST', '/api/entries', { date: `2026-11-${day}`, content: day }), 201);
  }
  const first = ok(await alice.call('GET', '/api/entries?limit=2'));
  assert.deepEqual(
    first.items.map((e: { date: string }) => e.date),
    ['2026-11-05', '2026-11-04'],
  );
  const second = ok(await alice.call('GET', `/api/entries?limit=2&cursor=${first.nextCursor}`));
  assert.deepEqual(
    second.items.map((e: { date: string }) => e.date),
    ['2026-11-03', '2026-11-02'],
  );
  const last = ok(await alice.call('GET', `/api/entries?limit=2&cursor=${second.nextCursor}`));
  assert.deepEqual(
    last.items.map((e: { date: string }) => e.date),
    ['2026-11-01'],
  );
  assert.equal(last.nextCursor, null);
  const range = ok(await alice.call('GET', '/api/entries?from=2026-11-02&to=2026-11-04'));
  assert.deepEqual(
    range.items.map((e: { date: string }) => e.date),
    ['2026-11-04', '2026-11-03', '2026-11-02'],
  );
});

test('bad dates, ranges, limits and cursors are refused with a 400', async (t) => {
  const { alice } = await twoUsers(t);
  for (const url of [
    '/api/entries/2026-02-30',
    '/api/entries/2026-13-01',
    '/api/entries/yesterday',
    '/api/entries?from=2026-01-01&to=2027-01-02',
    '/api/entries?from=2026-05-02&to=2026-05-01',
    '/api/entries?from=2026-02-29',
    '/api/entries?limit=0',
    '/api/entries?limit=101',
    '/api/entries?cursor=not-a-cursor',
    '/api/entries?sort=asc',
  ]) {
    assertProblem(await alice.call('GET', url), 400);
  }
  ok(await alice.call('GET', '/api/entries?from=2026-01-01&to=2027-01-01&limit=100'));
});

test('bad entry bodies are refused with a 400 and change nothing', async (t) => {
  const { alice } = await twoUsers(t);
  ok(await alice.call('POST', '/api/entries', { date: '2026-12-03', content: 'kept' }), 201);
  for (const body of [
    { date: '2026-02-30', content: 'x' },
    { date: '2026-12-04' },
    { date: '2026-12-04', content: 'x', mood: 'great' },
    { date: '2026-12-04', content: { text: 'x' } },
    { date: '2026-12-04', content: 'x', pillarIds: ['not-a-uuid'] },
    { date: '2026-12-04', content: 'x', title: 't'.repeat(201) },
    { date: '2026-12-04', content: 'x'.repeat(100_001) },
  ]) {
    const body400 = assertProblem(await alice.call('POST', '/api/entries', body), 400);
    assert.ok(body400.detail);
  }
  for (const body of [{ content: { text: 'x' } }, { completed: 'yes' }, { date: '2026-12-05' }]) {
    assertProblem(await alice.call('PATCH', '/api/entries/2026-12-03', body), 400);
  }
  const list = ok(await alice.call('GET', '/api/entries'));
  assert.equal(list.items.length, 1);
  assert.equal(list.items[0].content, 'kept');
});

test('an entry holds up to 100,000 characters', async (t) => {
  const { alice } = await twoUsers(t);
  const content = 'é'.repeat(100_000);
  const created = ok(
    await alice.call('POST', '/api/entries', { date: '2026-12-03', content }),
    201,
  );
  assert.equal(created.content.length, 100_000);
  ok(await alice.call('PATCH', '/api/entries/2026-12-03', { content: 'ü'.repeat(100_000) }));
  assert.equal(ok(await alice.call('GET', '/api/entries/2026-12-03')).content, 'ü'.repeat(100_000));
});

test("an entry links only its owner's pillars; any other id is a 404 and nothing is written", async (t) => {
  const { alice, bob } = await twoUsers(t);
  const mine = ok(await alice.call('POST', '/api/pillars', { name: 'Mine' }), 201);
  const bobs = ok(await bob.call('POST', '/api/pillars', { name: 'Bob' }), 201);
  const missing = '00000000-0000-4000-8000-000000000000';
  for (const id of [bobs.id, missing]) {
    const res = await alice.call('POST', '/api/entries', {
      date: '2026-12-03',
      content: 'x',
      pillarIds: [mine.id, id],
    });
    assert.equal(assertProblem(res, 404).detail, 'A pillar was not found');
  }
  assertProblem(await alice.call('GET', '/api/entries/2026-12-03'), 404);
  ok(await alice.call('POST', '/api/entries', { date: '2026-12-03', content: 'x' }), 201);
  for (const id of [bobs.id, missing]) {
    const res = await alice.call('PATCH', '/api/entries/2026-12-03', { pillarIds: [id] });
    assert.equal(assertProblem(res, 404).detail, 'A pillar was not found');
  }
  // Duplicates collapse to one link; deleting the pillar removes the link.
  const linked = ok(
    await alice.call('PATCH', '/api/entries/2026-12-03', { pillarIds: [mine.id, mine.id] }),
  );
  assert.deepEqual(linked.pillarIds, [mine.id]);
  assert.equal((await alice.call('DELETE', `/api/pillars/${mine.id}`)).statusCode, 204);
  assert.deepEqual(ok(await alice.call('GET', '/api/entries/2026-12-03')).pillarIds, []);
});

test("another user's entries answer exactly like missing ones and never show in lists", async (t) => {
  const { alice, bob } = await twoUsers(t);
  ok(await alice.call('POST', '/api/entries', { date: '2026-12-03', content: 'secret' }), 201);
  const missing = await bob.call('GET', '/api/entries/2026-12-04');
  const foreign = await bob.call('GET', '/api/entries/2026-12-03');
  assertProblem(foreign, 404);
  assert.deepEqual(foreign.json(), missing.json());
  assertProblem(await bob.call('PATCH', '/api/entries/2026-12-03', { content: 'mine now' }), 404);
  assertProblem(await bob.call('DELETE', '/api/entries/2026-12-03'), 404);
  assert.deepEqual(ok(await bob.call('GET', '/api/entries')), { items: [], nextCursor: null });
  assert.deepEqual(ok(await bob.call('GET', '/api/entries/search?q=secret')), {
    items: [],
    nextCursor: null,
  });
  assert.equal(ok(await alice.call('GET', '/api/entries/2026-12-03')).content, 'secret');
});

test('every entry route needs a signed-in user', async (t) => {
  const { app } = await twoUsers(t);
  for (const [method, url] of [
    ['GET', '/api/entries'],
    ['POST', '/api/entries'],
    ['GET', '/api/entries/search?q=x'],
    ['GET', '/api/entries/2026-12-03'],
    ['PATCH', '/api/entries/2026-12-03'],
    ['DELETE', '/api/entries/2026-12-03'],
  ] as const) {
    assertProblem(
      await app.inject({
        method,
        url,
        payload: method === 'POST' || method === 'PATCH' ? {} : undefined,
      }),
      401,
    );
  }
});
