/**
 * Pillars and habits are small ordered collections: each row has a plain
 * `position`, a user holds at most {@link MAX_ITEMS} of each, so a list is
 * always one bounded page, and a reorder names all of them.
 */
import { badRequest, conflict } from '../errors.ts';
import type { VaultDb } from './vault.ts';

export type OrderedTable = 'pillars' | 'habits';

/** The most pillars (or habits) one user may have. */
export const MAX_ITEMS = 100;

/** The position for a new row at the end of the list; 409 when the list is full. */
export async function nextPosition(
  db: VaultDb,
  table: OrderedTable,
  userId: string,
  plural: string,
): Promise<number> {
  // Both tables share these columns; the cast only picks one for typing.
  const row = await db
    .selectFrom(table as 'pillars')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('position').as('last')])
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  if (Number(row.count) >= MAX_ITEMS) {
    throw conflict(`You can have at most ${MAX_ITEMS} ${plural}`);
  }
  return row.last === null ? 0 : Number(row.last) + 1;
}

/**
 * Sets positions 0..n-1 in the order of `ids`, which must name each of the
 * user's rows exactly once (another user's id counts as unknown).
 */
export async function reorder(
  db: VaultDb,
  table: OrderedTable,
  userId: string,
  ids: readonly string[],
  plural: string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom(table as 'pillars')
      .select('id')
      .where('user_id', '=', userId)
      .execute();
    const owned = new Set(rows.map((r) => r.id));
    const given = new Set(ids);
    if (
      given.size !== ids.length ||
      given.size !== owned.size ||
      ids.some((id) => !owned.has(id))
    ) {
      throw badRequest(`ids must list each of your ${plural} exactly once`, [
        { path: '/body/ids', message: `must list each of your ${plural} exactly once` },
      ]);
    }
    for (const [position, id] of ids.entries()) {
      await trx
        .updateTable(table as 'pillars')
        .set({ position })
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .execute();
    }
  });
}
