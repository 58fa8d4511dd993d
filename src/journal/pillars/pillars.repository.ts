/** Plain functions over `pillars` and the pillar side of `entry_pillars`. Every query names the owner. */
import type { Insertable, Selectable } from 'kysely';

import type { PillarsTable } from '../../db/types.ts';
import type { VaultDb } from '../vault.ts';

export type PillarRow = Selectable<PillarsTable>;

export function listPillars(db: VaultDb, userId: string): Promise<PillarRow[]> {
  return db
    .selectFrom('pillars')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('position')
    .orderBy('id')
    .execute();
}

export function findPillar(
  db: VaultDb,
  userId: string,
  id: string,
): Promise<PillarRow | undefined> {
  return db
    .selectFrom('pillars')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function insertPillar(db: VaultDb, row: Insertable<PillarsTable>): Promise<void> {
  await db.insertInto('pillars').values(row).execute();
}

/** Deletes the pillar (its entry links go with it); false when the user has no such pillar. */
export async function deletePillar(db: VaultDb, userId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('pillars')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Per pillar, how many of the user's entries dated `from`..`to` link to it. */
export async function countLinkedEntries(
  db: VaultDb,
  userId: string,
  from: string,
  to: string,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('entry_pillars')
    .innerJoin('entries', 'entries.id', 'entry_pillars.entry_id')
    .select((eb) => ['entry_pillars.pillar_id', eb.fn.countAll<number>().as('entries')])
    .where('entry_pillars.user_id', '=', userId)
    .where('entries.user_id', '=', userId)
    .where('entries.entry_date', '>=', from)
    .where('entries.entry_date', '<=', to)
    .groupBy('entry_pillars.pillar_id')
    .execute();
  return new Map(rows.map((r) => [r.pillar_id, Number(r.entries)]));
}

/** Inserts many pillars in one statement (an import's batch). */
export async function insertPillars(
  db: VaultDb,
  rows: readonly Insertable<PillarsTable>[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('pillars').values(rows).execute();
}
