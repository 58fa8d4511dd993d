import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isoWeekOf, todayIn, weekDates } from '../../src/journal/calendar.ts';
import { assertConcurrentEditsBothStay, assertProblem, ok, twoUsers, userIdOf } from './helpers.ts';

const EMPTY_SUMMARY = {
  pillars: [],
  feels: { mentalStateAverage: null, topEmotion: null, days: 0 },
  habits: { completionRate: 0 },
};

test('a week nobody wrote about still answers with its computed summary', async (t) => {
  const { alice } = await twoUsers(t);
  assert.deepEqual(ok(await alice.call('GET', '/api/weekly/2026-W53')), {
    week: '2026-W53',
    wins: '',
    patterns: '',
    courseCorrections: '',
    summary: EMPTY_SUMMARY,
    updatedAt: null,
  });
  const current = ok(await alice.call('GET', '/api/weekly/current'));
  assert.equal(current.week, isoWeekOf(todayIn(null)));
  assert.equal(current.updatedAt, null);
  assert.deepEqual(current.summary, EMPTY_SUMMARY);
});

test("the summary holds the week's pillar scores, feels and habit completion", async (t) => {
  const { alice } = await twoUsers(t);
  const health = ok(await alice.call('POST', '/api/pillars', { name: 'Health', target: 2 }), 201);
  const read = ok(await alice.call('POST', '/api/habits', { name: 'Read' }), 201);
  ok(await alice.call('POST', '/api/habits', { name: 'Walk' }), 201);
  // 2026-W48: Monday 2026-11-23 to Sunday 2026-11-29.
  for (const date of ['2026-11-23', '2026-11-24', '2026-11-30']) {
    ok(
      await alice.call('POST', '/api/entries', { date, content: 'x', pillarIds: [health.id] }),
      201,
    );
  }
  const mornings: [string, number, string][] = [
    ['2026-11-23', 6, 'Calm'],
    ['2026-11-24', 7, 'joy'],
    ['2026-11-25', 9, 'Joy'],
    ['2026-11-30', 1, 'dread'],
  ];
  for (const [date, mentalState, strongestEmotion] of mornings) {
    ok(await alice.call('PUT', `/api/feels/${date}/morning`, { mentalState, strongestEmotion }));
  }
  ok(await alice.call('PUT', '/api/feels/2026-11-28/evening', { pressureOrPurpose: 'both' }));
  for (const date of [
    '2026-11-23',
    '2026-11-24',
    '2026-11-25',
    '2026-11-26',
    '2026-11-29',
    '2026-11-30',
  ]) {
    await alice.call('PUT', `/api/habits/${read.id}/checks/${date}`);
  }
  const recap = ok(await alice.call('GET', '/api/weekly/2026-W48'));
  assert.deepEqual(recap.summary, {
    pillars: [{ pillarId: health.id, name: 'Health', entries: 2, target: 2, ratio: 1 }],
    feels: { mentalStateAverage: 7.3, topEmotion: 'joy', days: 4 },
    // 5 check-offs of 2 habits over 7 days.
    habits: { completionRate: 0.36 },
  });
});

test('a recap is written field by field and listed newest first with a cursor', async (t) => {
  const { alice } = await twoUsers(t);
  const first = ok(await alice.call('PUT', '/api/weekly/2026-W48', { wins: 'Shipped it' }));
  assert.equal(first.wins, 'Shipped it');
  assert.equal(first.patterns, '');
  assert.ok(first.updatedAt);
  const second = ok(
    await alice.call('PUT', '/api/weekly/2026-W48', {
      patterns: 'Late nights',
      courseCorrections: 'Sleep by 11',
    }),
  );
  assert.deepEqual(
    [second.wins, second.patterns, second.courseCorrections],
    ['Shipped it', 'Late nights', 'Sleep by 11'],
  );
  assert.deepEqual(ok(await alice.call('GET', '/api/weekly/2026-W48')), second);
  ok(await alice.call('PUT', '/api/weekly/2026-W49', { wins: 'Rested' }));
  ok(await alice.call('PUT', '/api/weekly/2025-W01', { wins: 'New year' }));
  const page = ok(await alice.call('GET', '/api/weekly?limit=2'));
  assert.deepEqual(
    page.items.map((r: { week: string }) => r.week),
    ['2026-W49', '2026-W48'],
  );
  assert.deepEqual(page.items[1], second);
  const rest = ok(await alice.call('GET', `/api/weekly?limit=2&cursor=${page.nextCursor}`));
  assert.deepEqual(
    rest.items.map((r: { week: string; summary: unknown }) => [r.week, r.summary]),
    [['2025-W01', EMPTY_SUMMARY]],
  );
  assert.equal(rest.nextCursor, null);
});

test('weeks that do not exist and bad recap bodies are refused with a 400', async (t) => {
  const { alice } = await twoUsers(t);
  ok(await alice.call('PUT', '/api/weekly/2026-W49', { wins: 'kept' }));
  for (const week of ['2021-W53', '2026-W00', '2026-W54', '2026-49', 'this-week', '2026-w49']) {
    assertProblem(await alice.call('GET', `/api/weekly/${week}`), 400);
    assertProblem(await alice.call('PUT', `/api/weekly/${week}`, { wins: 'x' }), 400);
  }
  for (const body of [{ wins: 'w'.repeat(10_001) }, { summary: {} }, { wins: { a: 1 } }]) {
    assertProblem(await alice.call('PUT', '/api/weekly/2026-W49', body), 400);
  }
  assertProblem(await alice.call('GET', '/api/weekly?limit=1000'), 400);
  assertProblem(await alice.call('GET', '/api/weekly?week=2026-W49'), 400);
  assert.equal(ok(await alice.call('GET', '/api/weekly/2026-W49')).wins, 'kept');
  assert.equal(ok(await alice.call('GET', '/api/weekly')).items.length, 1);
});

test("another user's recaps and summaries are never shown or changed", async (t) => {
  const { alice, bob } = await twoUsers(t);
  const pillar = ok(await alice.call('POST', '/api/pillars', { name: 'Private' }), 201);
  ok(
    await alice.call('POST', '/api/entries', {
      date: '2026-11-03',
      content: 'x',
      pillarIds: [pillar.id],
    }),
    201,
  );
  ok(
    await alice.call('PUT', '/api/feels/2026-11-03/morning', {
      mentalState: 8,
      strongestEmotion: 'pride',
    }),
  );
  ok(await alice.call('PUT', '/api/weekly/2026-W45', { wins: 'Alice only' }));
  const bobs = ok(await bob.call('GET', '/api/weekly/2026-W45'));
  assert.deepEqual(bobs, {
    week: '2026-W45',
    wins: '',
    patterns: '',
    courseCorrections: '',
    summary: EMPTY_SUMMARY,
    updatedAt: null,
  });
  assert.deepEqual(ok(await bob.call('GET', '/api/weekly')), { items: [], nextCursor: null });
  ok(await bob.call('PUT', '/api/weekly/2026-W45', { wins: 'Bob only' }));
  assert.equal(ok(await alice.call('GET', '/api/weekly/2026-W45')).wins, 'Alice only');
  assert.equal(ok(await bob.call('GET', '/api/weekly/2026-W45')).wins, 'Bob only');
  const thisWeek = isoWeekOf(todayIn(null));
  ok(await alice.call('PUT', `/api/weekly/${thisWeek}`, { wins: 'Alice this week' }));
  const bobsCurrent = ok(await bob.call('GET', '/api/weekly/current'));
  assert.deepEqual([bobsCurrent.week, bobsCurrent.wins], [thisWeek, '']);
  assert.equal(ok(await alice.call('GET', '/api/weekly/current')).wins, 'Alice this week');
});

test('two concurrent writes of different recap fields both stay', async (t) => {
  const { app, alice } = await twoUsers(t);
  const userId = await userIdOf(alice);
  const week = weekDates('2026-W10');
  assert.ok(week);
  await assertConcurrentEditsBothStay(
    (changes) => app.services.journal.weekly.put(userId, week, changes),
    (round) => [{ wins: `won ${round}` }, { patterns: `saw ${round}` }],
    async () => ok(await alice.call('GET', '/api/weekly/2026-W10')),
  );
});
