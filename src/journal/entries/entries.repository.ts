/** Plain functions over `entries` and their `entry_pillars` links. Every query names the owner. */
import type { Insertable, Selectable } from 'kysely';

import type { EntriesTable, EntryPillarsTable } from '../../db/types.ts';
import { inserted, type VaultDb } from '../vault.ts';

export type EntryRow = Selectable<EntriesTable>;

export interface EntryQuery {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Only entries dated strictly before this (the cursor). */
  readonly before?: string | undefined;
  readonly limit: number;
}

/** The user's entries, newest first. */
export function listEntries(db: VaultDb, userId: string, query: EntryQuery): Promise<EntryRow[]> {
  let select = db.selectFrom('entries').selectAll().where('user_id', '=', userId);
  if (query.from !== undefined) select = select.where('entry_date', '>=', query.from);
  if (query.to !== undefined) select = select.where('entry_date', '<=', query.to);
  if (query.before !== undefined) select = select.where('entry_date', '<', query.before);
  return select.orderBy('entry_date', 'desc').limit(query.limit).execute();
}

export function findEntry(
  db: VaultDb,
  userId: string,
  date: string,
): Promise<EntryRow | undefined> {
  return db
    .selectFrom('entries')
    .selectAll()
    .where('user_id', '=', userId)
    .where('entry_date', '=', date)
    .executeTakeFirst();
}

/** Inserts the entry; false when the user already has one that day. */
export async function insertEntry(db: VaultDb, row: Insertable<EntriesTable>): Promise<boolean> {
  const result = await db
    .insertInto('entries')
    .values(row)
    .onConflict((oc) => oc.columns(['user_id', 'entry_date']).doNothing())
    .executeTakeFirst();
  return inserted(result);
}

export async function updateEntry(
  db: VaultDb,
  userId: string,
  id: string,
  changes: { payload: Buffer; updated_at: string },
): Promise<void> {
  await db
    .updateTable('entries')
    .set(changes)
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .execute();
}

/** Deletes the day's entry (its links go with it); false when there was none. */
export async function deleteEntry(db: VaultDb, userId: string, date: string): Promise<boolean> {
  const result = await db
    .deleteFrom('entries')
    .where('user_id', '=', userId)
    .where('entry_date', '=', date)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Pillar ids linked to each of the entries, in pillar order. */
export async function pillarLinks(
  db: VaultDb,
  userId: string,
  entryIds: readonly string[],
): Promise<Map<string, string[]>> {
  const links = new Map<string, string[]>(entryIds.map((id) => [id, []]));
  if (entryIds.length === 0) return links;
  const rows = await db
    .selectFrom('entry_pillars')
    .innerJoin('pillars', 'pillars.id', 'entry_pillars.pillar_id')
    .select(['entry_pillars.entry_id', 'entry_pillars.pillar_id'])
    .where('entry_pillars.user_id', '=', userId)
    .where('pillars.user_id', '=', userId)
    .where('entry_pillars.entry_id', 'in', entryIds)
    .orderBy('pillars.position')
    .orderBy('pillars.id')
    .execute();
  for (const row of rows) links.get(row.entry_id)?.push(row.pillar_id);
  return links;
}

/** Replaces the entry's pillar links; the ids must already be known to be the user's own. */
export async function setPillarLinks(
  db: VaultDb,
  userId: string,
  entryId: string,
  pillarIds: readonly string[],
): Promise<void> {
  await db
    .deleteFrom('entry_pillars')
    .where('user_id', '=', userId)
    .where('entry_id', '=', entryId)
    .execute();
  if (pillarIds.length === 0) return;
  await db
    .insertInto('entry_pillars')
    .values(
      pillarIds.map((pillarId) => ({ entry_id: entryId, pillar_id: pillarId, user_id: userId })),
    )
    .execute();
}

/**
 * Inserts many entries in one statement (an import's batch); a day the user
 * already has an entry for is skipped. Answers the ids of the rows written.
 */
export async function insertEntries(
  db: VaultDb,
  rows: readonly Insertable<EntriesTable>[],
): Promise<string[]> {
  if (rows.length === 0) return [];
  const written = await db
    .insertInto('entries')
    .values(rows)
    .onConflict((oc) => oc.columns(['user_id', 'entry_date']).doNothing())
    .returning('id')
    .execute();
  return written.map((r) => r.id);
}

/** Inserts many entry-pillar links; the ids must already be known to be the user's own. */
export async function insertPillarLinks(
  db: VaultDb,
  links: readonly Insertable<EntryPillarsTable>[],
): Promise<void> {
  if (links.length === 0) return;
  await db.insertInto('entry_pillars').values(links).execute();
}
