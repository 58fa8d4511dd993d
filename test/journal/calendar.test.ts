import assert from 'node:assert/strict';
import { test } from 'node:test';

import { AppError } from '../../src/errors.ts';
import {
  addDays,
  checkRange,
  isCalendarDate,
  isoWeekOf,
  todayIn,
  weekDates,
} from '../../src/journal/calendar.ts';
import { fold, matchEntry, queryTerms, snippet } from '../../src/journal/entries/search.ts';
import { streaks } from '../../src/journal/habits/habits.service.ts';
import { topEmotion } from '../../src/journal/weekly/weekly.service.ts';

test('only dates that exist on the calendar are dates', () => {
  assert.ok(isCalendarDate('2024-02-29'));
  assert.ok(isCalendarDate('2026-12-31'));
  for (const bad of [
    '2026-02-29',
    '2026-02-30',
    '2026-13-01',
    '2026-04-31',
    '2026-1-1',
    '0000-01-01',
  ]) {
    assert.equal(isCalendarDate(bad), false, bad);
  }
  assert.equal(addDays('2024-02-28', 1), '2024-02-29');
  assert.equal(addDays('2026-12-31', 1), '2027-01-01');
});

test('ISO weeks start on Monday and some years have a week 53', () => {
  assert.equal(isoWeekOf('2026-12-03'), '2026-W49');
  assert.equal(isoWeekOf('2027-01-01'), '2026-W53');
  assert.equal(isoWeekOf('2024-12-30'), '2025-W01');
  assert.deepEqual(weekDates('2026-W49'), {
    week: '2026-W49',
    from: '2026-11-30',
    to: '2026-12-06',
  });
  assert.deepEqual(weekDates('2026-W53'), {
    week: '2026-W53',
    from: '2026-12-28',
    to: '2027-01-03',
  });
  assert.deepEqual(weekDates('2020-W53')?.from, '2020-12-28');
  assert.equal(weekDates('2021-W53'), undefined);
  assert.equal(weekDates('2025-W53'), undefined);
  assert.equal(weekDates('2026-W00'), undefined);
  assert.equal(weekDates('2026-W54'), undefined);
});

test('a range is inclusive, ordered and at most 366 days long', () => {
  checkRange({ from: '2024-01-01', to: '2024-12-31' });
  checkRange({ from: '2026-01-01' });
  checkRange({});
  for (const range of [
    { from: '2026-01-01', to: '2027-01-02' },
    { from: '2026-05-02', to: '2026-05-01' },
    { from: '2026-02-30' },
  ]) {
    assert.throws(
      () => checkRange(range),
      (e) => e instanceof AppError && e.status === 400,
    );
  }
});

test("today follows the user's time zone and falls back to UTC", () => {
  const now = new Date('2026-12-03T23:30:00Z');
  assert.equal(todayIn(null, now), '2026-12-03');
  assert.equal(todayIn('Pacific/Auckland', now), '2026-12-04');
  assert.equal(todayIn('America/Los_Angeles', now), '2026-12-03');
  assert.equal(todayIn('Not/AZone', now), '2026-12-03');
});

test('search folds case and accents and needs every word', () => {
  assert.equal(fold('ÉTÉ Café İstanbul ΣΟΦΟΣ'), 'ete cafe istanbul σοφοσ');
  assert.deepEqual(queryTerms('  Cafe   CAFÉ dawn '), ['cafe', 'dawn']);
  assert.deepEqual(matchEntry(fold('Morning'), fold('a run at dawn'), ['morning', 'dawn']), {
    at: 9,
  });
  assert.equal(matchEntry(fold('Morning'), fold('a run'), ['morning', 'dawn']), undefined);
  assert.deepEqual(matchEntry(fold('Morning'), fold('a run'), ['morning']), { at: undefined });
});

test('a snippet shows the text around the match, on one line, marked where cut', () => {
  const text = `${'word '.repeat(40)}the cafe\nwas quiet ${'more '.repeat(40)}`;
  const at = fold(text).indexOf('cafe');
  const cut = snippet(text, at);
  assert.match(cut, /^….*the cafe was quiet.*…$/);
  assert.ok(cut.length < 200);
  // Combining marks before the match shift the original index; the snippet still holds it.
  const decomposed = `${'e\u0301'.repeat(100)} target`;
  assert.match(snippet(decomposed, fold(decomposed).indexOf('target')), /target/);
  assert.equal(snippet('short text', undefined), 'short text');
});

test('streaks count consecutive days ending today or yesterday', () => {
  const dates = [
    '2026-11-20',
    '2026-11-21',
    '2026-11-22',
    '2026-11-30',
    '2026-12-01',
    '2026-12-02',
  ];
  assert.deepEqual(streaks(dates, '2026-12-03'), { current: 3, longest: 3 });
  assert.deepEqual(streaks(dates, '2026-12-02'), { current: 3, longest: 3 });
  assert.deepEqual(streaks(dates, '2026-12-04'), { current: 0, longest: 3 });
  assert.deepEqual(streaks(dates, '2026-11-21'), { current: 2, longest: 2 });
  assert.deepEqual(streaks([], '2026-12-03'), { current: 0, longest: 0 });
  assert.deepEqual(streaks(['2026-02-28', '2026-03-01'], '2026-03-01'), { current: 2, longest: 2 });
});

test('the top emotion is the one named most often, ignoring case and accents', () => {
  assert.equal(topEmotion(['Calm', 'joy', 'Joy ', 'calm', 'JOY']), 'joy');
  assert.equal(topEmotion(['calm', 'joy']), 'joy');
  assert.equal(topEmotion(['', '  ']), null);
  assert.equal(topEmotion([]), null);
});

test('dates run from the year 1000 to 9999, and a week exists only when all its days do', () => {
  // Date.UTC reads the years 0 to 99 as 1900 to 1999: such a date must not pass as itself.
  for (const early of ['0000-01-01', '0099-12-31', '0999-12-31']) {
    assert.equal(isCalendarDate(early), false, early);
  }
  assert.ok(isCalendarDate('1000-01-01'));
  assert.ok(isCalendarDate('9999-12-31'));
  // 9999-W52 ends on 10000-01-02; 1000-W01 starts on 0999-12-30.
  assert.equal(weekDates('9999-W52'), undefined);
  assert.equal(weekDates('1000-W01'), undefined);
  assert.deepEqual(weekDates('9999-W51'), {
    week: '9999-W51',
    from: '9999-12-20',
    to: '9999-12-26',
  });
  assert.equal(weekDates('1000-W02')?.from, '1000-01-06');
});
