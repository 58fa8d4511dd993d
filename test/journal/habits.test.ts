import assert from 'node:assert/strict';
import { test } from 'node:test';

import { addDays, todayIn } from '../../src/journal/calendar.ts';
import {
  assertConcurrentEditsBothStay,
  assertEditOfDeletedIs404,
  assertProblem,
  ok,
  twoUsers,
  userIdOf,
} from './helpers.ts';

test('a habit is created, renamed, archived, restored, listed and deleted', async (t) => {
  const { alice } = await twoUsers(t);
  const habit = ok(await alice.call('POST', '/api/habits', { name: 'Stretch' }), 201);
  assert.equal(habit.name, 'Stretch');
  assert.equal(habit.position, 0);
  assert.deepEqual(habit.streak, { current: 0, longest: 0 });
  const renamed = ok(await alice.call('PATCH', `/api/habits/${habit.id}`, { name: 'Yoga' }));
  assert.equal(renamed.name, 'Yoga');
  assert.equal(
    ok(await alice.call('PATCH', `/api/habits/${habit.id}`, { archived: true })).archived,
    true,
  );
  const restored = ok(await alice.call('PATCH', `/api/habits/${habit.id}`, { archived: false }));
  assert.equal(restored.archived, false);
  assert.equal(restored.name, 'Yoga');
  const list = ok(await alice.call('GET', '/api/habits'));
  assert.deepEqual(
    list.items.map((h: { name: string }) => h.name),
    ['Yoga'],
  );
  assert.equal((await alice.call('DELETE', `/api/habits/${habit.id}`)).statusCode, 204);
  assertProblem(await alice.call('PATCH', `/api/habits/${habit.id}`, { name: 'x' }), 404);
  assertProblem(await alice.call('DELETE', `/api/habits/${habit.id}`), 404);
  assert.deepEqual(ok(await alice.call('GET', '/api/habits')).items, []);
});

test('habits are reordered by listing every one of them once', async (t) => {
  const { alice } = await twoUsers(t);
  const a = ok(await alice.call('POST', '/api/habits', { name: 'A' }), 201).id;
  const b = ok(await alice.call('POST', '/api/habits', { name: 'B' }), 201).id;
  const list = ok(await alice.call('PUT', '/api/habits/order', { ids: [b, a] }));
  assert.deepEqual(
    list.items.map((h: { name: string }) => h.name),
    ['B', 'A'],
  );
  assertProblem(await alice.call('PUT', '/api/habits/order', { ids: [a] }), 400);
  assertProblem(await alice.call('PUT', '/api/habits/order', { ids: [a, a] }), 400);
});

test('check-offs give current and longest streaks as of a day', async (t) => {
  const { alice } = await twoUsers(t);
  const habit = ok(await alice.call('POST', '/api/habits', { name: 'Read' }), 201);
  const check = (date: string) => alice.call('PUT', `/api/habits/${habit.id}/checks/${date}`);
  for (const date of [
    '2026-11-20',
    '2026-11-21',
    '2026-11-22',
    '2026-11-23',
    '2026-12-01',
    '2026-12-02',
  ]) {
    assert.equal((await check(date)).statusCode, 204);
  }
  // Checking twice is the same as once.
  assert.equal((await check('2026-12-02')).statusCode, 204);
  const streakOn = async (date: string) =>
    ok(await alice.call('GET', `/api/habits?date=${date}`)).items[0].streak;
  assert.deepEqual(await streakOn('2026-12-02'), { current: 2, longest: 4 });
  assert.deepEqual(await streakOn('2026-12-03'), { current: 2, longest: 4 });
  assert.deepEqual(await streakOn('2026-12-04'), { current: 0, longest: 4 });
  assert.deepEqual(await streakOn('2026-11-22'), { current: 3, longest: 3 });

  assert.equal(
    (await alice.call('DELETE', `/api/habits/${habit.id}/checks/2026-12-01`)).statusCode,
    204,
  );
  assert.equal(
    (await alice.call('DELETE', `/api/habits/${habit.id}/checks/2026-12-01`)).statusCode,
    204,
  );
  assert.deepEqual(await streakOn('2026-12-02'), { current: 1, longest: 4 });
});

test("the day's list shows habits not archived with whether each is done; today by default", async (t) => {
  const { alice } = await twoUsers(t);
  const read = ok(await alice.call('POST', '/api/habits', { name: 'Read' }), 201);
  const walk = ok(await alice.call('POST', '/api/habits', { name: 'Walk' }), 201);
  const old = ok(await alice.call('POST', '/api/habits', { name: 'Old' }), 201);
  ok(await alice.call('PATCH', `/api/habits/${old.id}`, { archived: true }));
  await alice.call('PUT', `/api/habits/${read.id}/checks/2020-06-15`);
  const day = ok(await alice.call('GET', '/api/habits/today?date=2020-06-15'));
  assert.equal(day.date, '2020-06-15');
  assert.deepEqual(
    day.items.map((i: { habit: { name: string; streak: unknown }; done: boolean }) => [
      i.habit.name,
      i.done,
      i.habit.streak,
    ]),
    [
      ['Read', true, { current: 1, longest: 1 }],
      ['Walk', false, { current: 0, longest: 0 }],
    ],
  );
  const today = todayIn(null);
  await alice.call('PUT', `/api/habits/${walk.id}/checks/${today}`);
  const now = ok(await alice.call('GET', '/api/habits/today'));
  assert.equal(now.date, today);
  assert.deepEqual(
    now.items.map((i: { done: boolean }) => i.done),
    [false, true],
  );
});

test('habit history lists the checked days of every habit within the range', async (t) => {
  const { alice } = await twoUsers(t);
  const read = ok(await alice.call('POST', '/api/habits', { name: 'Read' }), 201);
  const walk = ok(await alice.call('POST', '/api/habits', { name: 'Walk' }), 201);
  for (const date of ['2026-11-30', '2026-12-01', '2026-12-05']) {
    await alice.call('PUT', `/api/habits/${read.id}/checks/${date}`);
  }
  const history = ok(await alice.call('GET', '/api/habits/history?from=2026-12-01&to=2026-12-05'));
  assert.deepEqual(history, {
    items: [
      { habitId: read.id, dates: ['2026-12-01', '2026-12-05'] },
      { habitId: walk.id, dates: [] },
    ],
  });
  for (const url of [
    '/api/habits/history',
    '/api/habits/history?from=2026-12-01',
    '/api/habits/history?from=2026-12-05&to=2026-12-01',
    `/api/habits/history?from=2026-01-01&to=${addDays('2026-01-01', 366)}`,
  ]) {
    assertProblem(await alice.call('GET', url), 400);
  }
});

test('bad habit input is refused with a 400 and changes nothing', async (t) => {
  const { alice } = await twoUsers(t);
  const habit = ok(await alice.call('POST', '/api/habits', { name: 'Kept' }), 201);
  for (const body of [
    {},
    { name: '' },
    { name: ' ' },
    { name: 'n'.repeat(101) },
    { name: 'x', x: 1 },
  ]) {
    assertProblem(await alice.call('POST', '/api/habits', body), 400);
  }
  for (const body of [{ name: '' }, { archived: 'no' }, { position: 2 }]) {
    assertProblem(await alice.call('PATCH', `/api/habits/${habit.id}`, body), 400);
  }
  assertProblem(await alice.call('PUT', `/api/habits/${habit.id}/checks/2026-02-30`), 400);
  assertProblem(await alice.call('PUT', '/api/habits/nope/checks/2026-12-03'), 400);
  assertProblem(await alice.call('GET', '/api/habits/today?date=2026-02-29'), 400);
  assertProblem(await alice.call('GET', '/api/habits?date=tomorrow'), 400);
  const list = ok(await alice.call('GET', '/api/habits'));
  assert.deepEqual(
    list.items.map((h: { name: string; streak: { longest: number } }) => [
      h.name,
      h.streak.longest,
    ]),
    [['Kept', 0]],
  );
});

test("another user's habits answer exactly like missing ones", async (t) => {
  const { alice, bob } = await twoUsers(t);
  const habit = ok(await alice.call('POST', '/api/habits', { name: 'Private' }), 201);
  await alice.call('PUT', `/api/habits/${habit.id}/checks/2026-12-03`);
  const missingId = '00000000-0000-4000-8000-000000000000';
  const missing = await bob.call('PATCH', `/api/habits/${missingId}`, { name: 'x' });
  const foreign = await bob.call('PATCH', `/api/habits/${habit.id}`, { name: 'x' });
  assertProblem(foreign, 404);
  assert.deepEqual(foreign.json(), missing.json());
  assertProblem(await bob.call('DELETE', `/api/habits/${habit.id}`), 404);
  assertProblem(await bob.call('PUT', `/api/habits/${habit.id}/checks/2026-12-04`), 404);
  assertProblem(await bob.call('DELETE', `/api/habits/${habit.id}/checks/2026-12-03`), 404);
  assertProblem(await bob.call('PUT', '/api/habits/order', { ids: [habit.id] }), 400);
  assert.deepEqual(ok(await bob.call('GET', '/api/habits')).items, []);
  assert.deepEqual(ok(await bob.call('GET', '/api/habits/today?date=2026-12-03')).items, []);
  assert.deepEqual(
    ok(await bob.call('GET', '/api/habits/history?from=2026-12-01&to=2026-12-31')).items,
    [],
  );
  const alices = ok(await alice.call('GET', '/api/habits/history?from=2026-12-01&to=2026-12-31'));
  assert.deepEqual(alices.items, [{ habitId: habit.id, dates: ['2026-12-03'] }]);
  assert.equal(ok(await alice.call('GET', '/api/habits')).items[0].name, 'Private');
});

test("today is the day in the time zone of the user's profile", async (t) => {
  const { alice } = await twoUsers(t);
  ok(await alice.call('POST', '/api/habits', { name: 'Read' }), 201);
  // UTC+14 and UTC-11 are 25 hours apart: at any moment they are on different dates.
  for (const timeZone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
    ok(await alice.call('PATCH', '/api/auth/profile', { timeZone }));
    const before = todayIn(timeZone);
    const day = ok(await alice.call('GET', '/api/habits/today'));
    // The clock may cross midnight during the call; allow only that.
    assert.ok([before, todayIn(timeZone)].includes(day.date), `${timeZone}: ${day.date}`);
  }
});

test('two concurrent edits of different habit fields both stay', async (t) => {
  const { app, alice } = await twoUsers(t);
  const userId = await userIdOf(alice);
  const habit = ok(await alice.call('POST', '/api/habits', { name: 'Stretch' }), 201);
  await assertConcurrentEditsBothStay(
    (changes) => app.services.journal.habits.update(userId, habit.id, changes),
    (round) => [{ name: `Stretch ${round}` }, { archived: round % 2 === 1 }],
    async () => ok(await alice.call('GET', '/api/habits')).items[0],
  );
});

test('an edit of a deleted habit is a 404 and does not bring it back', async (t) => {
  const { alice } = await twoUsers(t);
  const habit = ok(await alice.call('POST', '/api/habits', { name: 'Stretch' }), 201);
  await assertEditOfDeletedIs404(
    alice,
    `/api/habits/${habit.id}`,
    { name: 'Late' },
    async () => ok(await alice.call('GET', '/api/habits')).items.length > 0,
  );
});
