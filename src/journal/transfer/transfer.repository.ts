/** Queries across the vault's tables for moving a journal in and out. */
import type { VaultDb } from '../vault.ts';

/** Every vault table holding rows a user owns; link tables need a row of these. */
const OWNED_TABLES = [
  'pillars',
  'habits',
  'moods',
  'entries',
  'feels',
  'mood_logs',
  'weekly_recaps',
] as const;

/** Whether the user has written anything at all into the journal. */
export async function holdsJournalData(db: VaultDb, userId: string): Promise<boolean> {
  for (const table of OWNED_TABLES) {
    // The tables share these columns; the cast only picks one for typing.
    const row = await db
      .selectFrom(table as 'pillars')
      .select('id')
      .where('user_id', '=', userId)
      .limit(1)
      .executeTakeFirst();
    if (row) return true;
  }
  return false;
}
