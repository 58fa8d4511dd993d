/**
 * Import: a document (docs/export-format.md) written into one account, all
 * or nothing, in one vault transaction, after it was checked in full.
 *
 * Every row gets a fresh id; links (entry to pillar, check and morning to
 * habit, log to mood) are resolved through the ids the document gives its own
 * rows, never to rows outside it. System moods keep their fixed ids.
 *
 * Modes:
 * - `empty` (the default): the account must hold no journal data yet;
 *   otherwise 409 and nothing is written.
 * - `merge`: what the account already holds wins. An entry, a day's morning
 *   or evening, a week's recap or a habit's check whose date (or week) the
 *   account already has is skipped, as is a mood log of the same mood at the
 *   same instant. A pillar, habit or mood of the document whose name the
 *   account already uses (compared without case or accents) is not created:
 *   the document's links to it go to the account's own. Importing the same
 *   document twice therefore adds nothing the second time.
 *
 * Nothing the account holds is ever changed or deleted by an import.
 */
import { randomUUID } from 'node:crypto';

import type { Insertable } from 'kysely';

import type { FeelsTable } from '../../db/types.ts';
import { conflict } from '../../errors.ts';
import * as entriesRepo from '../entries/entries.repository.ts';
import { fold } from '../entries/search.ts';
import * as feelsRepo from '../feels/feels.repository.ts';
import { Evening, Morning } from '../feels/feels.service.ts';
import * as habitsRepo from '../habits/habits.repository.ts';
import * as moodsRepo from '../moods/moods.repository.ts';
import { MAX_OWN_MOODS, SYSTEM_MOODS } from '../moods/moods.service.ts';
import { MAX_ITEMS } from '../ordered.ts';
import * as pillarsRepo from '../pillars/pillars.repository.ts';
import { now, type Sealer, type VaultDb } from '../vault.ts';
import * as weeklyRepo from '../weekly/weekly.repository.ts';
import type {
  ExportDocument,
  ExportEntry,
  ExportFeelsDay,
  ExportHabit,
  ExportHabitCheck,
  ExportMood,
  ExportMoodLog,
  ExportPillar,
  ExportRecap,
} from './document.ts';
import {
  EntryPayload,
  HabitPayload,
  MoodLogPayload,
  MoodPayload,
  payloadOf,
  PillarPayload,
  RecapPayload,
  sealChecked,
} from './payloads.ts';
import { holdsJournalData } from './transfer.repository.ts';
import { checkDocument, toInstant } from './validate.ts';

export type ImportMode = 'empty' | 'merge';

/** Rows per kind; feels count each morning and each evening. */
export interface TransferCounts {
  entries: number;
  pillars: number;
  feels: number;
  habits: number;
  habitChecks: number;
  moods: number;
  moodLogs: number;
  weeklyRecaps: number;
}

export interface ImportResult {
  /** Rows written. */
  readonly imported: TransferCounts;
  /** Rows of the document not written because the account already had them (merge). */
  readonly skipped: TransferCounts;
}

/** Rows per insert statement: well inside SQLite's and PostgreSQL's bound-parameter limits. */
export const IMPORT_BATCH = 100;
const SMALL_ROW_BATCH = 1000;

const SYSTEM_MOOD_IDS = new Set(SYSTEM_MOODS.map((m) => m.id));

/** Checks the document, then writes it into the sealer's user's account in one transaction. */
export async function importDocument(
  db: VaultDb,
  sealer: Sealer,
  doc: ExportDocument,
  mode: ImportMode,
): Promise<ImportResult> {
  checkDocument(doc);
  return db.transaction().execute(async (trx) => {
    if (mode === 'empty' && (await holdsJournalData(trx, sealer.userId))) {
      throw conflict(
        'This account already holds journal data; import with mode=merge to merge by date',
      );
    }
    const writer = new ImportWriter(trx, sealer);
    await writer.pillars(doc.pillars ?? []);
    await writer.habits(doc.habits ?? []);
    await writer.habitChecks(doc.habitChecks ?? []);
    await writer.moods(doc.moods ?? []);
    await writer.entries(doc.entries ?? []);
    await writer.feels(doc.feels ?? []);
    await writer.moodLog(doc.moodLog ?? []);
    await writer.recaps(doc.weeklyRecaps ?? []);
    return { imported: writer.imported, skipped: writer.skipped };
  });
}

function zero(): TransferCounts {
  return {
    entries: 0,
    pillars: 0,
    feels: 0,
    habits: 0,
    habitChecks: 0,
    moods: 0,
    moodLogs: 0,
    weeklyRecaps: 0,
  };
}

function* chunks<T>(items: readonly T[], size = IMPORT_BATCH): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Names compare without case, accents or surrounding space. */
const nameKey = (name: string): string => fold(name.trim());

/** The account's id for a document id; the document was checked, so a miss is our own bug. */
function resolve(ids: ReadonlyMap<string, string>, documentId: string): string {
  const id = ids.get(documentId);
  if (id === undefined) throw new Error('import lost a link the document check passed');
  return id;
}

/** Items in the order of their position (document order among equals). */
function byPosition<T extends { position: number }>(items: readonly T[]): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => a.item.position - b.item.position || a.index - b.index)
    .map(({ item }) => item);
}

/**
 * Positions for ordered rows: each keeps its own when that is above the one
 * placed before it (and above `floor`), else takes the next one up. An
 * account's own order round-trips unchanged; merged rows go after the
 * account's.
 */
function place(positions: readonly number[], floor: number): number[] {
  let next = floor;
  return positions.map((position) => {
    const placed = Math.max(position, next);
    next = placed + 1;
    return placed;
  });
}

function positionAfter(rows: readonly { position: number }[]): number {
  return rows.reduce((last, row) => Math.max(last, row.position + 1), 0);
}

class ImportWriter {
  readonly imported = zero();
  readonly skipped = zero();
  /** Document id to account id, per kind of row that links can name. */
  private readonly ids = {
    pillars: new Map<string, string>(),
    habits: new Map<string, string>(),
    moods: new Map<string, string>(),
  };
  private readonly at = now();

  constructor(
    private readonly trx: VaultDb,
    private readonly sealer: Sealer,
  ) {}

  private get userId(): string {
    return this.sealer.userId;
  }

  async pillars(items: readonly ExportPillar[]): Promise<void> {
    const existing = await pillarsRepo.listPillars(this.trx, this.userId);
    const names = existing.map((row) => ({
      id: row.id,
      name: this.sealer.open('pillars', row, PillarPayload).name,
    }));
    const fresh = byPosition(this.match('pillars', items, names));
    if (existing.length + fresh.length > MAX_ITEMS) {
      throw conflict(`You can have at most ${MAX_ITEMS} pillars`);
    }
    const positions = place(
      fresh.map((p) => p.position),
      positionAfter(existing),
    );
    const rows = fresh.map((item, i) => {
      const id = this.newId('pillars', item.id);
      const payload = payloadOf(PillarPayload, item);
      return {
        id,
        user_id: this.userId,
        payload: sealChecked(this.sealer, 'pillars', id, PillarPayload, payload),
        position: positions[i] ?? 0,
        archived: item.archived ? 1 : 0,
        ...this.stamps(item),
      };
    });
    for (const batch of chunks(rows)) await pillarsRepo.insertPillars(this.trx, batch);
    this.imported.pillars += rows.length;
  }

  async habits(items: readonly ExportHabit[]): Promise<void> {
    const existing = await habitsRepo.listHabits(this.trx, this.userId);
    const names = existing.map((row) => ({
      id: row.id,
      name: this.sealer.open('habits', row, HabitPayload).name,
    }));
    const fresh = byPosition(this.match('habits', items, names));
    if (existing.length + fresh.length > MAX_ITEMS) {
      throw conflict(`You can have at most ${MAX_ITEMS} habits`);
    }
    const positions = place(
      fresh.map((h) => h.position),
      positionAfter(existing),
    );
    const rows = fresh.map((item, i) => {
      const id = this.newId('habits', item.id);
      const payload = payloadOf(HabitPayload, item);
      return {
        id,
        user_id: this.userId,
        payload: sealChecked(this.sealer, 'habits', id, HabitPayload, payload),
        position: positions[i] ?? 0,
        archived: item.archived ? 1 : 0,
        ...this.stamps(item),
      };
    });
    for (const batch of chunks(rows)) await habitsRepo.insertHabits(this.trx, batch);
    this.imported.habits += rows.length;
  }

  async habitChecks(items: readonly ExportHabitCheck[]): Promise<void> {
    for (const batch of chunks(items, SMALL_ROW_BATCH)) {
      const rows = new Map<string, { habit_id: string; user_id: string; check_date: string }>();
      for (const check of batch) {
        const habitId = resolve(this.ids.habits, check.habitId);
        rows.set(`${habitId}/${check.date}`, {
          habit_id: habitId,
          user_id: this.userId,
          check_date: check.date,
        });
      }
      const written = await habitsRepo.insertChecks(this.trx, [...rows.values()]);
      this.imported.habitChecks += written;
      this.skipped.habitChecks += batch.length - written;
    }
  }

  async moods(items: readonly ExportMood[]): Promise<void> {
    const existing = await moodsRepo.listMoods(this.trx, this.userId);
    const names = existing.map((row) => ({
      id: row.id,
      name: this.sealer.open('moods', row, MoodPayload).name,
    }));
    const fresh = this.match('moods', items, names);
    if (existing.length + fresh.length > MAX_OWN_MOODS) {
      throw conflict(`You can have at most ${MAX_OWN_MOODS} moods of your own`);
    }
    const rows = fresh.map((item) => {
      const id = this.newId('moods', item.id);
      const payload = payloadOf(MoodPayload, item);
      return {
        id,
        user_id: this.userId,
        payload: sealChecked(this.sealer, 'moods', id, MoodPayload, payload),
        archived: item.archived ? 1 : 0,
        ...this.stamps(item),
      };
    });
    for (const batch of chunks(rows)) await moodsRepo.insertMoods(this.trx, batch);
    this.imported.moods += rows.length;
  }

  async entries(items: readonly ExportEntry[]): Promise<void> {
    for (const batch of chunks(items)) {
      const rows = batch.map((entry) => {
        const id = randomUUID();
        const payload = payloadOf(EntryPayload, entry);
        return {
          id,
          user_id: this.userId,
          entry_date: entry.date,
          payload: sealChecked(this.sealer, 'entries', id, EntryPayload, payload),
          ...this.stamps(entry),
        };
      });
      const written = new Set(await entriesRepo.insertEntries(this.trx, rows));
      const links = rows.flatMap((row, i) => {
        if (!written.has(row.id)) return [];
        const pillarIds = (batch[i]?.pillarIds ?? []).map((id) => resolve(this.ids.pillars, id));
        return [...new Set(pillarIds)].map((pillarId) => ({
          entry_id: row.id,
          pillar_id: pillarId,
          user_id: this.userId,
        }));
      });
      for (const part of chunks(links, SMALL_ROW_BATCH)) {
        await entriesRepo.insertPillarLinks(this.trx, part);
      }
      this.imported.entries += written.size;
      this.skipped.entries += batch.length - written.size;
    }
  }

  async feels(days: readonly ExportFeelsDay[]): Promise<void> {
    for (const batch of chunks(days)) {
      const rows = batch.flatMap((day) => {
        const found: Insertable<FeelsTable>[] = [];
        if (day.morning) {
          const done = day.morning.habitsDone.map((id) => resolve(this.ids.habits, id));
          const morning = { ...day.morning, habitsDone: [...new Set(done)] };
          found.push(
            this.feelRow(day.date, 'morning', (id) =>
              sealChecked(this.sealer, 'feels', id, Morning, morning),
            ),
          );
        }
        const evening = day.evening;
        if (evening) {
          found.push(
            this.feelRow(day.date, 'evening', (id) =>
              sealChecked(this.sealer, 'feels', id, Evening, evening),
            ),
          );
        }
        return found;
      });
      const written = await feelsRepo.insertFeels(this.trx, rows);
      this.imported.feels += written;
      this.skipped.feels += rows.length - written;
    }
  }

  async moodLog(items: readonly ExportMoodLog[]): Promise<void> {
    for (const batch of chunks(items)) {
      const logs = batch.map((log) => ({
        moodId: SYSTEM_MOOD_IDS.has(log.moodId) ? log.moodId : resolve(this.ids.moods, log.moodId),
        at: toInstant(log.at),
        note: log.note,
      }));
      const present = await moodsRepo.logsAt(
        this.trx,
        this.userId,
        logs.map((log) => log.at),
      );
      const taken = new Set(present.map((row) => `${row.mood_id}/${row.logged_at}`));
      const rows = logs
        .filter((log) => {
          const key = `${log.moodId}/${log.at}`;
          if (taken.has(key)) return false;
          taken.add(key);
          return true;
        })
        .map((log) => {
          const id = randomUUID();
          return {
            id,
            user_id: this.userId,
            mood_id: log.moodId,
            logged_at: log.at,
            payload: sealChecked(this.sealer, 'mood_logs', id, MoodLogPayload, { note: log.note }),
            created_at: this.at,
            updated_at: this.at,
          };
        });
      await moodsRepo.insertLogs(this.trx, rows);
      this.imported.moodLogs += rows.length;
      this.skipped.moodLogs += batch.length - rows.length;
    }
  }

  async recaps(items: readonly ExportRecap[]): Promise<void> {
    for (const batch of chunks(items)) {
      const rows = batch.map((recap) => {
        const id = randomUUID();
        const payload = payloadOf(RecapPayload, recap);
        return {
          id,
          user_id: this.userId,
          week: recap.week,
          payload: sealChecked(this.sealer, 'weekly_recaps', id, RecapPayload, payload),
          ...this.stamps(recap),
        };
      });
      const written = await weeklyRepo.insertRecaps(this.trx, rows);
      this.imported.weeklyRecaps += written;
      this.skipped.weeklyRecaps += batch.length - written;
    }
  }

  /**
   * The items to create: one whose name the account already uses is mapped
   * to that row instead (the first by the account's order) and skipped.
   */
  private match<T extends { id: string; name: string }>(
    kind: 'pillars' | 'habits' | 'moods',
    items: readonly T[],
    existing: readonly { id: string; name: string }[],
  ): T[] {
    const byName = new Map<string, string>();
    for (const row of existing) {
      const key = nameKey(row.name);
      if (!byName.has(key)) byName.set(key, row.id);
    }
    return items.filter((item) => {
      const match = byName.get(nameKey(item.name));
      if (match === undefined) return true;
      this.ids[kind].set(item.id, match);
      this.skipped[kind] += 1;
      return false;
    });
  }

  private feelRow(
    date: string,
    kind: FeelsTable['kind'],
    seal: (rowId: string) => Buffer,
  ): Insertable<FeelsTable> {
    const id = randomUUID();
    return {
      id,
      user_id: this.userId,
      feel_date: date,
      kind,
      payload: seal(id),
      created_at: this.at,
      updated_at: this.at,
    };
  }

  private newId(kind: 'pillars' | 'habits' | 'moods', documentId: string): string {
    const id = randomUUID();
    this.ids[kind].set(documentId, id);
    return id;
  }

  private stamps(row: { createdAt?: string | undefined; updatedAt?: string | undefined }) {
    const created = row.createdAt === undefined ? this.at : toInstant(row.createdAt);
    const updated = row.updatedAt === undefined ? created : toInstant(row.updatedAt);
    return { created_at: created, updated_at: updated };
  }
}
