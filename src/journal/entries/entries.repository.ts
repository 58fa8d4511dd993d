/** Plain functions over `entries` and their `entry_pillars` links. Every query names the owner. */
import type { Insertable, Selectable } from 'kysely';

import { prepared } from '../../db/prepared.ts';
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

/** What search reads of an entry: its date, to order and page by, and its sealed payload. */
export type SearchRow = Pick<EntryRow, 'id' | 'entry_date' | 'payload'>;

/** A batch of the user's entries for search, newest first, dated strictly before `before` if given. */
export function searchBatch(
  db: VaultDb,
  userId: string,
  before: string | undefined,
  limit: number,
): Promise<SearchRow[]> {
  let select = db
    .selectFrom('entries')
    .select(['id', 'entry_date', 'payload'])
    .where('user_id', '=', userId);
  if (before !== undefined) select = select.where('entry_date', '<', before);
  return select.orderBy('entry_date', 'desc').limit(limit).execute();
}

const entryOn = prepared((db: VaultDb, userId: string, date: string) =>
  db.selectFrom('entries').selectAll().where('user_id', '=', userId).where('entry_date', '=', date),
);

export async function findEntry(
  db: VaultDb,
  userId: string,
  date: string,
): Promise<EntryRow | undefined> {
  return (await entryOn(db, userId, date))[0];
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
  const rows =
    entryIds.length === 1
      ? await linksOfOne(db, userId, entryIds[0] as string)
      : await linksOf(db, userId).where('entry_pillars.entry_id', 'in', entryIds).execute();
  for (const row of rows) links.get(row.entry_id)?.push(row.pillar_id);
  return links;
}

/** The user's entry-pillar links in pillar order; the caller picks the entries. */
function linksOf(db: VaultDb, userId: string) {
  return db
    .selectFrom('entry_pillars')
    .innerJoin('pillars', 'pillars.id', 'entry_pillars.pillar_id')
    .select(['entry_pillars.entry_id', 'entry_pillars.pillar_id'])
    .where('entry_pillars.user_id', '=', userId)
    .where('pillars.user_id', '=', userId)
    .orderBy('pillars.position')
    .orderBy('pillars.id');
}

/** One entry's links, the shape every single-entry read and write asks for. */
const linksOfOne = prepared((db: VaultDb, userId: string, entryId: string) =>
  linksOf(db, userId).where('entry_pillars.entry_id', '=', entryId),
);

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
