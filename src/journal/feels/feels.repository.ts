/** Plain functions over `feels`: at most one morning and one evening row per user per day. */
import type { Insertable, Selectable } from 'kysely';

import type { FeelsTable } from '../../db/types.ts';
import { inserted, type VaultDb } from '../vault.ts';

export type FeelRow = Selectable<FeelsTable>;
export type FeelKind = FeelsTable['kind'];

export async function findFeelId(
  db: VaultDb,
  userId: string,
  date: string,
  kind: FeelKind,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('feels')
    .select('id')
    .where('user_id', '=', userId)
    .where('feel_date', '=', date)
    .where('kind', '=', kind)
    .executeTakeFirst();
  return row?.id;
}

/** Inserts the row; false when that day already has one of its kind. */
export async function insertFeel(db: VaultDb, row: Insertable<FeelsTable>): Promise<boolean> {
  const result = await db
    .insertInto('feels')
    .values(row)
    .onConflict((oc) => oc.columns(['user_id', 'feel_date', 'kind']).doNothing())
    .executeTakeFirst();
  return inserted(result);
}

export async function updateFeel(
  db: VaultDb,
  userId: string,
  id: string,
  changes: { payload: Buffer; updated_at: string },
): Promise<void> {
  await db
    .updateTable('feels')
    .set(changes)
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .execute();
}

/** Rows of the user's days `from`..`to` (either end open), oldest first. */
export function feelsBetween(
  db: VaultDb,
  userId: string,
  from: string | undefined,
  to: string | undefined,
): Promise<FeelRow[]> {
  let select = db.selectFrom('feels').selectAll().where('user_id', '=', userId);
  if (from !== undefined) select = select.where('feel_date', '>=', from);
  if (to !== undefined) select = select.where('feel_date', '<=', to);
  return select.orderBy('feel_date').orderBy('kind', 'desc').execute();
}

export interface DayQuery {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly before?: string | undefined;
  readonly limit: number;
}

/** Distinct days with a check-in, newest first. */
export async function feelDays(db: VaultDb, userId: string, query: DayQuery): Promise<string[]> {
  let select = db.selectFrom('feels').select('feel_date').distinct().where('user_id', '=', userId);
  if (query.from !== undefined) select = select.where('feel_date', '>=', query.from);
  if (query.to !== undefined) select = select.where('feel_date', '<=', query.to);
  if (query.before !== undefined) select = select.where('feel_date', '<', query.before);
  const rows = await select.orderBy('feel_date', 'desc').limit(query.limit).execute();
  return rows.map((r) => r.feel_date);
}

/** Inserts many rows in one statement; a day that has one of that kind is skipped. How many were written. */
export async function insertFeels(
  db: VaultDb,
  rows: readonly Insertable<FeelsTable>[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db
    .insertInto('feels')
    .values(rows)
    .onConflict((oc) => oc.columns(['user_id', 'feel_date', 'kind']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}
