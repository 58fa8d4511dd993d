/**
 * What an import document must satisfy beyond its schema, checked in full
 * before anything is written: dates and weeks that exist, instants that
 * parse, one row per natural key (a day's entry, a day's check-ins, a week's
 * recap), ids unique within their kind, and every link naming a row of the
 * same document. Ids name rows of the document only: an id that is not in
 * it links to nothing, whoever's it may be elsewhere.
 */
import { badRequest, type FieldError } from '../../errors.ts';
import { isCalendarDate, weekDates } from '../calendar.ts';
import { SYSTEM_MOODS } from '../moods/moods.service.ts';
import type { ExportDocument, ExportProfile } from './document.ts';

/** Problems reported in one answer; the rest are found on the next try. */
export const MAX_REPORTED = 20;

const SYSTEM_MOOD_IDS = new Set(SYSTEM_MOODS.map((m) => m.id));

class Problems {
  readonly found: FieldError[] = [];

  add(path: string, message: string): void {
    if (this.found.length < MAX_REPORTED) this.found.push({ path: `/body${path}`, message });
  }

  get full(): boolean {
    return this.found.length >= MAX_REPORTED;
  }
}

/** Refuses the document with a 400 naming each problem's place (never its value). */
export function checkDocument(doc: ExportDocument): void {
  const problems = new Problems();
  checkProfile(problems, doc.profile);
  const pillars = uniqueIds(problems, '/pillars', doc.pillars ?? []);
  const habits = uniqueIds(problems, '/habits', doc.habits ?? []);
  const moods = uniqueIds(problems, '/moods', doc.moods ?? []);
  (doc.moods ?? []).forEach((mood, i) => {
    if (SYSTEM_MOOD_IDS.has(mood.id)) problems.add(`/moods/${i}/id`, 'is a system mood');
  });
  for (const [name, rows] of [
    ['pillars', doc.pillars ?? []],
    ['habits', doc.habits ?? []],
    ['moods', doc.moods ?? []],
    ['entries', doc.entries ?? []],
    ['weeklyRecaps', doc.weeklyRecaps ?? []],
  ] as const) {
    rows.forEach((row, i) => checkStamps(problems, `/${name}/${i}`, row));
  }
  (doc.habitChecks ?? []).forEach((check, i) => {
    if (!habits.has(check.habitId)) {
      problems.add(`/habitChecks/${i}/habitId`, 'names no habit of this document');
    }
    if (!isCalendarDate(check.date)) {
      problems.add(`/habitChecks/${i}/date`, 'is not a calendar date');
    }
  });
  checkEntries(problems, doc, pillars);
  checkFeels(problems, doc, habits);
  (doc.moodLog ?? []).forEach((log, i) => {
    if (!SYSTEM_MOOD_IDS.has(log.moodId) && !moods.has(log.moodId)) {
      problems.add(`/moodLog/${i}/moodId`, 'names no system mood and no mood of this document');
    }
    if (!isInstant(log.at)) problems.add(`/moodLog/${i}/at`, 'is not a valid timestamp');
  });
  checkRecaps(problems, doc);
  if (problems.found.length > 0) {
    const first = problems.found[0] as FieldError;
    throw badRequest(`The document is not valid: ${first.path} ${first.message}`, problems.found);
  }
}

function checkProfile(problems: Problems, profile: ExportProfile | undefined): void {
  if (typeof profile?.timeZone === 'string' && !isTimeZone(profile.timeZone)) {
    problems.add('/profile/timeZone', 'is not a known time zone');
  }
}

function checkEntries(problems: Problems, doc: ExportDocument, pillars: Set<string>): void {
  const dates = new Set<string>();
  (doc.entries ?? []).forEach((entry, i) => {
    if (!isCalendarDate(entry.date)) problems.add(`/entries/${i}/date`, 'is not a calendar date');
    if (dates.has(entry.date)) {
      problems.add(`/entries/${i}/date`, 'has another entry in this document');
    }
    dates.add(entry.date);
    entry.pillarIds.forEach((id, j) => {
      if (!pillars.has(id)) {
        problems.add(`/entries/${i}/pillarIds/${j}`, 'names no pillar of this document');
      }
    });
  });
}

function checkFeels(problems: Problems, doc: ExportDocument, habits: Set<string>): void {
  const dates = new Set<string>();
  (doc.feels ?? []).forEach((day, i) => {
    if (!isCalendarDate(day.date)) problems.add(`/feels/${i}/date`, 'is not a calendar date');
    if (dates.has(day.date)) {
      problems.add(`/feels/${i}/date`, 'has another day of feels in this document');
    }
    dates.add(day.date);
    day.morning?.habitsDone.forEach((id, j) => {
      if (!habits.has(id)) {
        problems.add(`/feels/${i}/morning/habitsDone/${j}`, 'names no habit of this document');
      }
    });
  });
}

function checkRecaps(problems: Problems, doc: ExportDocument): void {
  const weeks = new Set<string>();
  (doc.weeklyRecaps ?? []).forEach((recap, i) => {
    if (!isWeek(recap.week)) {
      problems.add(`/weeklyRecaps/${i}/week`, 'is not an ISO week of that year');
    }
    if (weeks.has(recap.week)) {
      problems.add(`/weeklyRecaps/${i}/week`, 'has another recap in this document');
    }
    weeks.add(recap.week);
  });
}

/** The ids of a kind, each reported once when it repeats. */
function uniqueIds(problems: Problems, path: string, rows: readonly { id: string }[]): Set<string> {
  const ids = new Set<string>();
  rows.forEach((row, i) => {
    if (ids.has(row.id)) problems.add(`${path}/${i}/id`, 'is the id of another row of this kind');
    ids.add(row.id);
  });
  return ids;
}

function checkStamps(
  problems: Problems,
  path: string,
  row: { createdAt?: string | undefined; updatedAt?: string | undefined },
): void {
  if (problems.full) return;
  if (row.createdAt !== undefined && !isInstant(row.createdAt)) {
    problems.add(`${path}/createdAt`, 'is not a valid timestamp');
  }
  if (row.updatedAt !== undefined && !isInstant(row.updatedAt)) {
    problems.add(`${path}/updatedAt`, 'is not a valid timestamp');
  }
}

/**
 * A timestamp that names a real moment: `Date.parse` alone would roll
 * 30 February over into March, so the calendar date is checked too.
 */
export function isInstant(value: string): boolean {
  return isCalendarDate(value.slice(0, 10)) && !Number.isNaN(Date.parse(value));
}

/** The stored form of an instant: UTC, milliseconds, `Z`. */
export function toInstant(value: string): string {
  return new Date(value).toISOString();
}

/** An ISO week that exists (2021-W53 does not; nor does any week of year 0). */
function isWeek(week: string): boolean {
  try {
    return weekDates(week) !== undefined;
  } catch {
    return false;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
