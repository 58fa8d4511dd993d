/** Plain functions over `weekly_recaps`: at most one per user per ISO week. */
import type { Insertable, Selectable } from 'kysely';

import type { WeeklyRecapsTable } from '../../db/types.ts';
import { inserted, type VaultDb } from '../vault.ts';

export type RecapRow = Selectable<WeeklyRecapsTable>;

export function findRecap(
  db: VaultDb,
  userId: string,
  week: string,
): Promise<RecapRow | undefined> {
  return db
    .selectFrom('weekly_recaps')
    .selectAll()
    .where('user_id', '=', userId)
    .where('week', '=', week)
    .executeTakeFirst();
}

/** Inserts the recap; false when that week already has one. */
export async function insertRecap(
  db: VaultDb,
  row: Insertable<WeeklyRecapsTable>,
): Promise<boolean> {
  const result = await db
    .insertInto('weekly_recaps')
    .values(row)
    .onConflict((oc) => oc.columns(['user_id', 'week']).doNothing())
    .executeTakeFirst();
  return inserted(result);
}

/** The user's written recaps, newest week first (`YYYY-Www` sorts as text). */
export function listRecaps(
  db: VaultDb,
  userId: string,
  query: { before?: string | undefined; limit: number },
): Promise<RecapRow[]> {
  let select = db.selectFrom('weekly_recaps').selectAll().where('user_id', '=', userId);
  if (query.before !== undefined) select = select.where('week', '<', query.before);
  return select.orderBy('week', 'desc').limit(query.limit).execute();
}

/** Inserts many recaps in one statement; a week that has one is skipped. How many were written. */
export async function insertRecaps(
  db: VaultDb,
  rows: readonly Insertable<WeeklyRecapsTable>[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db
    .insertInto('weekly_recaps')
    .values(rows)
    .onConflict((oc) => oc.columns(['user_id', 'week']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}
