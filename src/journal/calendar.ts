/**
 * Calendar dates (`YYYY-MM-DD`) and ISO weeks (`YYYY-Www`) as plain strings,
 * with the arithmetic the journal needs. All arithmetic is in UTC days, so a
 * date never shifts with the server's time zone.
 */
import { badRequest } from '../errors.ts';

const DAY_MS = 86_400_000;
/**
 * Years 1000 to 9999: four digits, no leading zero. `Date.UTC` reads the
 * years 0 to 99 as 1900 to 1999, and a date past 9999-12-31 has no
 * four-digit spelling; inside this span every date has one spelling and its
 * arithmetic is exact. The HTTP and import schemas take the same span.
 */
const DATE = /^([1-9]\d{3})-(\d{2})-(\d{2})$/;
const WEEK = /^([1-9]\d{3})-W(\d{2})$/;

/** The longest range a query may span, counting both ends. */
export const MAX_RANGE_DAYS = 366;

/** Days since 1970-01-01 of a real calendar date, or undefined (2026-02-30 is not a date). */
function dayNumber(date: string): number | undefined {
  const match = DATE.exec(date);
  if (!match) return undefined;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(y, m - 1, d);
  const back = new Date(time);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) {
    return undefined;
  }
  return time / DAY_MS;
}

function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function isCalendarDate(date: string): boolean {
  return dayNumber(date) !== undefined;
}

function days(date: string): number {
  const day = dayNumber(date);
  if (day === undefined) throw badRequest(`${date} is not a calendar date`);
  return day;
}

export function addDays(date: string, count: number): string {
  return fromDayNumber(days(date) + count);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return days(to) - days(from);
}

/** The ISO week holding a date: weeks start on Monday; week 1 holds the year's first Thursday. */
export function isoWeekOf(date: string): string {
  const day = days(date);
  const weekday = (new Date(day * DAY_MS).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = fromDayNumber(day - weekday + 3);
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor(daysBetween(`${year}-01-01`, thursday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** An ISO week with its Monday (`from`) and Sunday (`to`). */
export interface Week {
  readonly week: string;
  readonly from: string;
  readonly to: string;
}

/**
 * Monday to Sunday of an ISO week, or undefined when the week does not exist
 * (2021-W53) or has a day outside the years 1000 to 9999 (9999-W52 ends on
 * 10000-01-02).
 */
export function weekDates(week: string): Week | undefined {
  const match = WEEK.exec(week);
  if (!match) return undefined;
  const year = Number(match[1]);
  const number = Number(match[2]);
  if (number < 1) return undefined;
  // 4 January is always in week 1.
  const jan4 = days(`${match[1]}-01-04`);
  const weekday = (new Date(jan4 * DAY_MS).getUTCDay() + 6) % 7;
  const monday = jan4 + (number - 1) * 7 - weekday;
  const [from, to] = [fromDayNumber(monday), fromDayNumber(monday + 6)];
  if (!isCalendarDate(from) || !isCalendarDate(to)) return undefined;
  if (isoWeekOf(from) !== `${year}-W${match[2]}`) return undefined;
  return { week, from, to };
}

/** The ISO week holding a date. */
export function weekOf(date: string): Week {
  return weekDates(isoWeekOf(date)) as Week;
}

/** The days of an existing ISO week, or a 400 naming the parameter. */
export function requireWeek(week: string, path: string): Week {
  const range = weekDates(week);
  if (!range) {
    throw badRequest(`${week} is not an ISO week`, [
      { path, message: 'is not an ISO week of that year' },
    ]);
  }
  return range;
}

export interface DateRange {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/**
 * Checks a query range: real dates, `from <= to`, at most {@link MAX_RANGE_DAYS}
 * days counting both ends. Either end may be open.
 */
export function checkRange(range: DateRange): void {
  const { from, to } = range;
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (value !== undefined && !isCalendarDate(value)) {
      throw badRequest(`${name} is not a calendar date`, [
        { path: `/querystring/${name}`, message: 'is not a calendar date' },
      ]);
    }
  }
  if (from === undefined || to === undefined) return;
  const span = daysBetween(from, to);
  if (span < 0) {
    throw badRequest('from must not be after to', [
      { path: '/querystring/from', message: 'is after to' },
    ]);
  }
  if (span + 1 > MAX_RANGE_DAYS) {
    throw badRequest(`a range spans at most ${MAX_RANGE_DAYS} days`, [
      { path: '/querystring/to', message: `is more than ${MAX_RANGE_DAYS} days after from` },
    ]);
  }
}

/** Today's date in an IANA time zone (UTC when none or unknown). */
export function todayIn(timeZone: string | null | undefined, now = new Date()): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: timeZone ?? 'UTC',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).formatToParts(now);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('year')}-${part('month')}-${part('day')}`;
  } catch {
    return now.toISOString().slice(0, 10);
  }
}
