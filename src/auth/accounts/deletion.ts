/**
 * Account deletion by crypto-shredding (DESIGN.md section 4).
 *
 * The wrapped data key is deleted first: from that moment nothing the user
 * wrote can be opened again, whatever copies of the vault remain. Then the
 * user row goes (its sessions, codes and challenges with it), and the vault
 * rows are purged in batches. A `pending_purges` row, written together with
 * the key deletion, lets a later start finish a purge that was interrupted.
 *
 * NOTE: on PostgreSQL a deleted row survives as a dead tuple until VACUUM,
 * and in WAL archives and backups. The key is gone from the live table at
 * once; run VACUUM (autovacuum does, eventually) and rotate backups to drop
 * the old copies. On SQLite, secure_delete and a WAL checkpoint do this now.
 */
import type { Kysely } from 'kysely';

import type { Database } from '../../db/connect.ts';
import type { PlatformDatabase, VaultDatabase } from '../../db/types.ts';
import { recordEvent } from '../audit/audit.repository.ts';

/** Vault tables holding a user's rows; link tables go with them by ON DELETE CASCADE. */
const VAULT_TABLES = [
  'entries',
  'habits',
  'pillars',
  'feels',
  'mood_logs',
  'moods',
  'weekly_recaps',
] as const;

export class AccountDeletion {
  constructor(
    private readonly platform: Database<PlatformDatabase>,
    private readonly vault: Kysely<VaultDatabase>,
    private readonly batchSize: number,
    /** Told of each shredded account, so no unwrapped copy of its key stays in memory. */
    private readonly onShred: (userId: string) => void = () => undefined,
  ) {}

  /** Shreds the data key and removes the account; the vault purge follows. */
  async shred(userId: string): Promise<void> {
    await this.platform.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('pending_purges')
        .values({ user_id: userId, requested_at: new Date().toISOString() })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .execute();
      await trx.deleteFrom('user_keys').where('user_id', '=', userId).execute();
    });
    this.onShred(userId);
    await this.platform.db.deleteFrom('users').where('id', '=', userId).execute();
    // The trail goes too (it holds addresses and user agents); one bare marker stays.
    await this.platform.db.deleteFrom('audit_events').where('user_id', '=', userId).execute();
    await recordEvent(this.platform.db, userId, 'account_deleted', { ip: null, userAgent: null });
    await this.platform.checkpoint();
  }

  /** Deletes one batch of a user's rows from one vault table; returns how many went. */
  private async purgeBatch(table: (typeof VAULT_TABLES)[number], userId: string): Promise<number> {
    // The table name comes from the constant list above; the casts only
    // narrow Kysely's table union so one statement serves every table.
    const db = this.vault as unknown as Kysely<{ t: { id: string; user_id: string } }>;
    const result = await db
      .deleteFrom(table as 't')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom(table as 't')
          .select('id')
          .where('user_id', '=', userId)
          .limit(this.batchSize),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Purges every vault row of a shredded account, batch by batch, then clears its marker. */
  async purge(userId: string): Promise<void> {
    for (const table of VAULT_TABLES) {
      while ((await this.purgeBatch(table, userId)) > 0) {
        // Yield between batches so a large purge never holds up other requests.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    await this.platform.db.deleteFrom('pending_purges').where('user_id', '=', userId).execute();
  }

  /** Finishes deletions that an earlier process began (their keys are already gone). */
  async resumePending(): Promise<number> {
    const pending = await this.platform.db.selectFrom('pending_purges').select('user_id').execute();
    for (const { user_id } of pending) {
      await this.shred(user_id);
      await this.purge(user_id);
    }
    return pending.length;
  }
}
