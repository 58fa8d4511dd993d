/** Plain functions over `habits` and `habit_checks`. Every query names the owner. */
import type { Insertable, Selectable } from 'kysely';

import type { HabitChecksTable, HabitsTable } from '../../db/types.ts';
import { inserted, type VaultDb } from '../vault.ts';

export type HabitRow = Selectable<HabitsTable>;

export interface CheckRow {
  readonly habit_id: string;
  readonly check_date: string;
}

export function listHabits(db: VaultDb, userId: string): Promise<HabitRow[]> {
  return db
    .selectFrom('habits')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('position')
    .orderBy('id')
    .execute();
}

export function findHabit(db: VaultDb, userId: string, id: string): Promise<HabitRow | undefined> {
  return db
    .selectFrom('habits')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertHabit(db: VaultDb, row: Insertable<HabitsTable>): Promise<void> {
  await db.insertInto('habits').values(row).execute();
}

/** Deletes the habit with its checks; false when the user has no such habit. */
export async function deleteHabit(db: VaultDb, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('habits')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Checks of the user's habits (optionally some of them, optionally a range), by habit then date. */
export function listChecks(
  db: VaultDb,
  userId: string,
  filter: { habitIds?: readonly string[]; from?: string; to?: string } = {},
): Promise<CheckRow[]> {
  let select = db
    .selectFrom('habit_checks')
    .select(['habit_id', 'check_date'])
    .where('user_id', '=', userId);
  if (filter.habitIds !== undefined) {
    if (filter.habitIds.length === 0) return Promise.resolve([]);
    select = select.where('habit_id', 'in', filter.habitIds);
  }
  if (filter.from !== undefined) select = select.where('check_date', '>=', filter.from);
  if (filter.to !== undefined) select = select.where('check_date', '<=', filter.to);
  return select.orderBy('habit_id').orderBy('check_date').execute();
}

/** Marks the day done; doing it twice is the same as once. */
export async function addCheck(
  db: VaultDb,
  userId: string,
  habitId: string,
  date: string,
): Promise<boolean> {
  const result = await db
    .insertInto('habit_checks')
    .values({ habit_id: habitId, user_id: userId, check_date: date })
    .onConflict((oc) => oc.columns(['habit_id', 'check_date']).doNothing())
    .executeTakeFirst();
  return inserted(result);
}

export async function removeCheck(
  db: VaultDb,
  userId: string,
  habitId: string,
  date: string,
): Promise<void> {
  await db
    .deleteFrom('habit_checks')
    .where('user_id', '=', userId)
    .where('habit_id', '=', habitId)
    .where('check_date', '=', date)
    .execute();
}

/** Inserts many habits in one statement (an import's batch). */
export async function insertHabits(
  db: VaultDb,
  rows: readonly Insertable<HabitsTable>[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('habits').values(rows).execute();
}

/** Inserts many checks in one statement; a day already checked is skipped. How many were written. */
export async function insertChecks(
  db: VaultDb,
  rows: readonly Insertable<HabitChecksTable>[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db
    .insertInto('habit_checks')
    .values(rows)
    .onConflict((oc) => oc.columns(['habit_id', 'check_date']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** One habit's checked dates after `after` (all when undefined), oldest first, at most `limit`. */
export async function checkDatesAfter(
  db: VaultDb,
  userId: string,
  habitId: string,
  after: string | undefined,
  limit: number,
): Promise<string[]> {
  let select = db
    .selectFrom('habit_checks')
    .select('check_date')
    .where('user_id', '=', userId)
    .where('habit_id', '=', habitId);
  if (after !== undefined) select = select.where('check_date', '>', after);
  const rows = await select.orderBy('check_date').limit(limit).execute();
  return rows.map((r) => r.check_date);
}
