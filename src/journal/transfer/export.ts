/**
 * The export, written as it is read. The document is produced as chunks of
 * JSON text: each section is read a batch at a time by cursor, each batch
 * opened and turned into one chunk, so memory holds one batch whatever the
 * size of the journal. The consumer pulls the chunks (a stream with
 * backpressure), so a slow reader slows the reading, not the memory.
 *
 * Rows are read through the features' own services where those page by
 * cursor (pillars, entries, feels, the mood log), and through the
 * repositories with the Sealer where a service would compute more than the
 * export needs (streaks, weekly summaries) or leaves out a stored field
 * (a mood's timestamps).
 *
 * The reads are not one snapshot: something written while the export runs
 * may or may not be in it. Links always hold within the document, though: an
 * entry names only pillars written before it, a morning only habits, a log
 * only moods, so every export can be imported again.
 */
import type { Journal } from '../journal.ts';
import { SYSTEM_MOODS } from '../moods/moods.service.ts';
import * as habitsRepo from '../habits/habits.repository.ts';
import * as moodsRepo from '../moods/moods.repository.ts';
import type { Page } from '../../pagination.ts';
import type { Sealer, VaultDb } from '../vault.ts';
import * as weeklyRepo from '../weekly/weekly.repository.ts';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportEntry,
  type ExportFeelsDay,
  type ExportHabit,
  type ExportHabitCheck,
  type ExportMood,
  type ExportMoodLog,
  type ExportPillar,
  type ExportProfile,
  type ExportRecap,
} from './document.ts';
import {
  EntryPayload,
  HabitPayload,
  MoodPayload,
  payloadOf,
  PillarPayload,
  RecapPayload,
} from './payloads.ts';

/** Rows read and opened at a time (entries, feels days, logs, recaps). */
export const EXPORT_BATCH = 100;
/** Checked dates read at a time (they are small). */
export const CHECKS_BATCH = 1000;

export interface ExportSource {
  readonly journal: Journal;
  readonly db: VaultDb;
  /** Opens the user's rows; its user is the one exported. */
  readonly sealer: Sealer;
}

export interface ExportHeader {
  readonly exportedAt: string;
  readonly profile: ExportProfile;
}

/** Ids written so far, so later sections only link to rows the document holds. */
interface Written {
  readonly pillars: Set<string>;
  readonly habits: Set<string>;
  readonly moods: Set<string>;
}

/** The whole document as chunks of JSON text; joined, they parse as one object. */
export async function* exportDocument(
  source: ExportSource,
  header: ExportHeader,
): AsyncGenerator<string, void, undefined> {
  const written: Written = { pillars: new Set(), habits: new Set(), moods: new Set() };
  const head = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: header.exportedAt,
    profile: header.profile,
  };
  yield JSON.stringify(head).slice(0, -1);
  yield* section('pillars', pillars(source, written));
  yield* section('habits', habits(source, written));
  yield* section('habitChecks', habitChecks(source, written));
  yield* section('moods', moods(source, written));
  yield* section('entries', entries(source, written));
  yield* section('feels', feels(source, written));
  yield* section('moodLog', moodLog(source, written));
  yield* section('weeklyRecaps', recaps(source));
  yield '}\n';
}

/** `,"name":[`, each batch as one chunk of comma-separated items, then `]`. */
async function* section(
  name: string,
  batches: AsyncIterable<readonly unknown[]>,
): AsyncGenerator<string, void, undefined> {
  let opening = `,${JSON.stringify(name)}:[`;
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    yield opening + batch.map((item) => JSON.stringify(item)).join(',');
    opening = ',';
  }
  yield opening === ',' ? ']' : `${opening}]`;
}

/** Every page of a cursor-paged list, one page at a time. */
async function* pages<T>(
  read: (cursor: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<T[], void, undefined> {
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    yield page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

async function* pillars(
  { journal, sealer }: ExportSource,
  written: Written,
): AsyncGenerator<ExportPillar[]> {
  const list = await journal.pillars.list(sealer.userId);
  yield list.map((p) => {
    written.pillars.add(p.id);
    return {
      id: p.id,
      ...payloadOf(PillarPayload, { ...p }),
      archived: p.archived,
      position: p.position,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    };
  });
}

async function* habits(
  { db, sealer }: ExportSource,
  written: Written,
): AsyncGenerator<ExportHabit[]> {
  const rows = await habitsRepo.listHabits(db, sealer.userId);
  yield rows.map((row) => {
    written.habits.add(row.id);
    return {
      id: row.id,
      ...sealer.open('habits', row, HabitPayload),
      archived: row.archived === 1,
      position: row.position,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  });
}

/** Habit by habit (in the habits' order), each one's dates oldest first. */
async function* habitChecks(
  { db, sealer }: ExportSource,
  written: Written,
): AsyncGenerator<ExportHabitCheck[]> {
  for (const habitId of written.habits) {
    let after: string | undefined;
    for (;;) {
      const dates = await habitsRepo.checkDatesAfter(
        db,
        sealer.userId,
        habitId,
        after,
        CHECKS_BATCH,
      );
      yield dates.map((date) => ({ habitId, date }));
      if (dates.length < CHECKS_BATCH) break;
      after = dates[dates.length - 1];
    }
  }
}

/** The user's own moods in the order they were made; system moods are the same everywhere. */
async function* moods(
  { db, sealer }: ExportSource,
  written: Written,
): AsyncGenerator<ExportMood[]> {
  const rows = await moodsRepo.listMoods(db, sealer.userId);
  yield rows.map((row) => {
    written.moods.add(row.id);
    return {
      id: row.id,
      ...sealer.open('moods', row, MoodPayload),
      archived: row.archived === 1,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  });
}

/** Newest first, as the API lists them. */
async function* entries(
  { journal, sealer }: ExportSource,
  written: Written,
): AsyncGenerator<ExportEntry[]> {
  const read = (cursor: string | undefined) =>
    journal.entries.list(sealer.userId, { limit: EXPORT_BATCH, cursor });
  for await (const page of pages(read)) {
    yield page.map((e) => ({
      id: e.id,
      date: e.date,
      ...payloadOf(EntryPayload, { ...e }),
      pillarIds: e.pillarIds.filter((id) => written.pillars.has(id)),
      createdAt: e.createdAt,
      updatedAt: e.updatedAt,
    }));
  }
}

/** Days with a check-in, newest first. */
async function* feels(
  { journal, sealer }: ExportSource,
  written: Written,
): AsyncGenerator<ExportFeelsDay[]> {
  const read = (cursor: string | undefined) =>
    journal.feels.list(sealer.userId, { limit: EXPORT_BATCH, cursor });
  for await (const page of pages(read)) {
    yield page.map((day) => ({
      date: day.date,
      morning: day.morning && {
        ...day.morning,
        habitsDone: day.morning.habitsDone.filter((id) => written.habits.has(id)),
      },
      evening: day.evening,
    }));
  }
}

const SYSTEM_MOOD_IDS = new Set(SYSTEM_MOODS.map((m) => m.id));

/** Newest first. */
async function* moodLog(
  { journal, sealer }: ExportSource,
  written: Written,
): AsyncGenerator<ExportMoodLog[]> {
  const read = (cursor: string | undefined) =>
    journal.moods.listLog(sealer.userId, { limit: EXPORT_BATCH, cursor });
  for await (const page of pages(read)) {
    yield page
      .filter((log) => SYSTEM_MOOD_IDS.has(log.moodId) || written.moods.has(log.moodId))
      .map((log) => ({ id: log.id, moodId: log.moodId, note: log.note, at: log.at }));
  }
}

/** Newest week first; only what the person wrote, not the computed summary. */
async function* recaps({ db, sealer }: ExportSource): AsyncGenerator<ExportRecap[]> {
  let before: string | undefined;
  for (;;) {
    const rows = await weeklyRepo.listRecaps(db, sealer.userId, { before, limit: EXPORT_BATCH });
    yield rows.map((row) => ({
      week: row.week,
      ...sealer.open('weekly_recaps', row, RecapPayload),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    }));
    if (rows.length < EXPORT_BATCH) return;
    before = rows[rows.length - 1]?.week;
  }
}
