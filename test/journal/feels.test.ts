import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertProblem, ok, twoUsers } from './helpers.ts';

const MORNING = {
  mentalState: 7,
  strongestEmotion: 'hopeful',
  avoiding: 'the tax letter',
  habitsDone: [] as string[],
};
const EVENING = {
  gaveEnergy: 'the walk',
  drainedEnergy: 'meetings',
  pressureOrPurpose: 'purpose',
  honestNote: 'I did better than I feared.',
};

test('a day holds a morning pulse and an evening reflection, each replaced by a new PUT', async (t) => {
  const { alice } = await twoUsers(t);
  assert.deepEqual(ok(await alice.call('GET', '/api/feels/2026-12-03')), {
    date: '2026-12-03',
    morning: null,
    evening: null,
  });
  const habit = ok(await alice.call('POST', '/api/habits', { name: 'Stretch' }), 201);
  const morning = { ...MORNING, habitsDone: [habit.id] };
  assert.deepEqual(ok(await alice.call('PUT', '/api/feels/2026-12-03/morning', morning)), {
    date: '2026-12-03',
    morning,
    evening: null,
  });
  const day = ok(await alice.call('PUT', '/api/feels/2026-12-03/evening', EVENING));
  assert.deepEqual(day, { date: '2026-12-03', morning, evening: EVENING });
  assert.deepEqual(ok(await alice.call('GET', '/api/feels/2026-12-03')), day);

  // A PUT replaces the whole check-in; left-out texts become empty.
  const replaced = ok(await alice.call('PUT', '/api/feels/2026-12-03/morning', { mentalState: 3 }));
  assert.deepEqual(replaced.morning, {
    mentalState: 3,
    strongestEmotion: '',
    avoiding: '',
    habitsDone: [],
  });
  assert.deepEqual(replaced.evening, EVENING);
});

test('feels history lists days with a check-in, newest first, by range and page', async (t) => {
  const { alice } = await twoUsers(t);
  ok(await alice.call('PUT', '/api/feels/2026-12-01/morning', MORNING));
  ok(await alice.call('PUT', '/api/feels/2026-12-02/evening', EVENING));
  ok(await alice.call('PUT', '/api/feels/2026-12-03/morning', MORNING));
  ok(await alice.call('PUT', '/api/feels/2026-12-03/evening', EVENING));
  const first = ok(await alice.call('GET', '/api/feels?limit=2'));
  assert.deepEqual(
    first.items.map((d: { date: string }) => d.date),
    ['2026-12-03', '2026-12-02'],
  );
  assert.deepEqual(first.items[0].evening, EVENING);
  assert.equal(first.items[1].morning, null);
  const second = ok(await alice.call('GET', `/api/feels?limit=2&cursor=${first.nextCursor}`));
  assert.deepEqual(
    second.items.map((d: { date: string }) => d.date),
    ['2026-12-01'],
  );
  assert.equal(second.nextCursor, null);
  const range = ok(await alice.call('GET', '/api/feels?from=2026-12-02&to=2026-12-02'));
  assert.deepEqual(
    range.items.map((d: { date: string }) => d.date),
    ['2026-12-02'],
  );
});

test("a morning lists only the user's own habits, and deleted habits drop out of it", async (t) => {
  const { alice, bob } = await twoUsers(t);
  const mine = ok(await alice.call('POST', '/api/habits', { name: 'Read' }), 201);
  const bobs = ok(await bob.call('POST', '/api/habits', { name: 'Run' }), 201);
  const res = await alice.call('PUT', '/api/feels/2026-12-03/morning', {
    ...MORNING,
    habitsDone: [mine.id, bobs.id],
  });
  assert.equal(assertProblem(res, 404).detail, 'A habit was not found');
  assert.equal(ok(await alice.call('GET', '/api/feels/2026-12-03')).morning, null);
  ok(
    await alice.call('PUT', '/api/feels/2026-12-03/morning', { ...MORNING, habitsDone: [mine.id] }),
  );
  assert.equal((await alice.call('DELETE', `/api/habits/${mine.id}`)).statusCode, 204);
  assert.deepEqual(ok(await alice.call('GET', '/api/feels/2026-12-03')).morning.habitsDone, []);
});

test('bad feels input is refused with a 400 and changes nothing', async (t) => {
  const { alice } = await twoUsers(t);
  ok(await alice.call('PUT', '/api/feels/2026-12-03/morning', MORNING));
  ok(await alice.call('PUT', '/api/feels/2026-12-03/evening', EVENING));
  for (const body of [
    {},
    { ...MORNING, mentalState: 0 },
    { ...MORNING, mentalState: 11 },
    { ...MORNING, mentalState: 5.5 },
    { ...MORNING, strongestEmotion: 'e'.repeat(101) },
    { ...MORNING, habitsDone: ['nope'] },
    { ...MORNING, extra: true },
  ]) {
    assertProblem(await alice.call('PUT', '/api/feels/2026-12-03/morning', body), 400);
  }
  for (const body of [
    { ...EVENING, pressureOrPurpose: 'stress' },
    { gaveEnergy: 'x' },
    { ...EVENING, honestNote: 'n'.repeat(5001) },
  ]) {
    assertProblem(await alice.call('PUT', '/api/feels/2026-12-03/evening', body), 400);
  }
  assertProblem(await alice.call('PUT', '/api/feels/2026-02-30/morning', MORNING), 400);
  assertProblem(await alice.call('PUT', '/api/feels/2026-12-03/noon', MORNING), 404);
  for (const url of [
    '/api/feels/2026-02-30',
    '/api/feels?from=2025-01-01&to=2026-12-31',
    '/api/feels?to=2026-13-01',
  ]) {
    assertProblem(await alice.call('GET', url), 400);
  }
  assert.deepEqual(ok(await alice.call('GET', '/api/feels/2026-12-03')), {
    date: '2026-12-03',
    morning: MORNING,
    evening: EVENING,
  });
});

test("another user's feels are never shown or changed", async (t) => {
  const { alice, bob } = await twoUsers(t);
  ok(await alice.call('PUT', '/api/feels/2026-12-03/morning', MORNING));
  assert.deepEqual(ok(await bob.call('GET', '/api/feels/2026-12-03')), {
    date: '2026-12-03',
    morning: null,
    evening: null,
  });
  assert.deepEqual(ok(await bob.call('GET', '/api/feels')), { items: [], nextCursor: null });
  // Bob writing the same day makes his own row; Alice's stays hers.
  ok(await bob.call('PUT', '/api/feels/2026-12-03/morning', { mentalState: 2 }));
  assert.deepEqual(ok(await alice.call('GET', '/api/feels/2026-12-03')).morning, MORNING);
  assert.equal(ok(await bob.call('GET', '/api/feels/2026-12-03')).morning.mentalState, 2);
});

test('concurrent writes of the same check-in all succeed and leave one of them', async (t) => {
  const { alice, deps } = await twoUsers(t);
  const answers = await Promise.all(
    [1, 2, 3, 4, 5].map((mentalState) =>
      alice.call('PUT', '/api/feels/2026-12-03/morning', { mentalState }),
    ),
  );
  assert.deepEqual(
    answers.map((r) => r.statusCode),
    [200, 200, 200, 200, 200],
  );
  const rows = await deps.vault.db
    .selectFrom('feels')
    .select('id')
    .where('feel_date', '=', '2026-12-03')
    .execute();
  assert.equal(rows.length, 1);
  const morning = ok(await alice.call('GET', '/api/feels/2026-12-03')).morning;
  assert.ok([1, 2, 3, 4, 5].includes(morning.mentalState));
});
