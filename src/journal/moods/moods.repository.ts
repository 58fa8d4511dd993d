/** Plain functions over `moods` (the user's own) and `mood_logs`. Every query names the owner. */
import type { Insertable, Selectable } from 'kysely';

import type { MoodLogsTable, MoodsTable } from '../../db/types.ts';
import type { VaultDb } from '../vault.ts';

export type MoodRow = Selectable<MoodsTable>;
export type MoodLogRow = Selectable<MoodLogsTable>;

export function listMoods(db: VaultDb, userId: string): Promise<MoodRow[]> {
  return db
    .selectFrom('moods')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function countMoods(db: VaultDb, userId: string): Promise<number> {
  const row = await db
    .selectFrom('moods')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export function findMood(db: VaultDb, userId: string, id: string): Promise<MoodRow | undefined> {
  return db
    .selectFrom('moods')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertMood(db: VaultDb, row: Insertable<MoodsTable>): Promise<void> {
  await db.insertInto('moods').values(row).execute();
}

/** Sets the mood's archived flag; false when the user has no such mood. */
export async function setMoodArchived(
  db: VaultDb,
  userId: string,
  id: string,
  archived: number,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('moods')
    .set({ archived, updated_at: at })
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteMood(db: VaultDb, userId: string, id: string): Promise<void> {
  await db.deleteFrom('moods').where('user_id', '=', userId).where('id', '=', id).execute();
}

export async function hasLogs(db: VaultDb, userId: string, moodId: string): Promise<boolean> {
  const row = await db
    .selectFrom('mood_logs')
    .select('id')
    .where('user_id', '=', userId)
    .where('mood_id', '=', moodId)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertLog(db: VaultDb, row: Insertable<MoodLogsTable>): Promise<void> {
  await db.insertInto('mood_logs').values(row).execute();
}

export interface LogQuery {
  /** Inclusive lower bound on `logged_at`. */
  readonly since?: string | undefined;
  /** Exclusive upper bound on `logged_at`. */
  readonly until?: string | undefined;
  /** Keyset cursor: only rows sorting after this (`logged_at`, `id`) pair, newest first. */
  readonly after?: readonly [string, string] | undefined;
  readonly limit: number;
}

/** The user's mood logs, newest first. */
export function listLogs(db: VaultDb, userId: string, query: LogQuery): Promise<MoodLogRow[]> {
  let select = db.selectFrom('mood_logs').selectAll().where('user_id', '=', userId);
  if (query.since !== undefined) select = select.where('logged_at', '>=', query.since);
  if (query.until !== undefined) select = select.where('logged_at', '<', query.until);
  const after = query.after;
  if (after !== undefined) {
    select = select.where((eb) =>
      eb.or([
        eb('logged_at', '<', after[0]),
        eb.and([eb('logged_at', '=', after[0]), eb('id', '<', after[1])]),
      ]),
    );
  }
  return select.orderBy('logged_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
}

/** Inserts many moods of the user's own in one statement (an import's batch). */
export async function insertMoods(
  db: VaultDb,
  rows: readonly Insertable<MoodsTable>[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('moods').values(rows).execute();
}

/** Inserts many mood logs in one statement (an import's batch). */
export async function insertLogs(
  db: VaultDb,
  rows: readonly Insertable<MoodLogsTable>[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('mood_logs').values(rows).execute();
}

/** The user's logs (which mood, when) at any of these instants. */
export function logsAt(
  db: VaultDb,
  userId: string,
  instants: readonly string[],
): Promise<{ mood_id: string; logged_at: string }[]> {
  if (instants.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('mood_logs')
    .select(['mood_id', 'logged_at'])
    .where('user_id', '=', userId)
    .where('logged_at', 'in', [...new Set(instants)])
    .execute();
}
