/**
 * Master key rotation (DESIGN.md section 4): re-wraps every data key and
 * recomputes every email blind index under the current master key.
 *
 * Work goes in batches, each batch one transaction, picking the rows still
 * under another key id; so a run killed half-way leaves every row either
 * fully old or fully new, and running again resumes where it stopped. The
 * server keeps serving meanwhile: it reads data keys under any key in its
 * ring and looks emails up under every key's index.
 */
import type { Kysely } from 'kysely';

import { emailIndex } from '../../crypto/blind-index.ts';
import { unwrapDataKey, wrapDataKey } from '../../crypto/data-key.ts';
import type { KeyRing } from '../../crypto/keyring.ts';
import { open, sealedAd } from '../../crypto/sealed.ts';
import type { PlatformDatabase } from '../../db/types.ts';

export interface RotationProgress {
  readonly done: number;
  readonly total: number;
}

/** Users whose data key or email index is not yet under the current key. */
function stale(db: Kysely<PlatformDatabase>, currentId: string) {
  return db
    .selectFrom('users')
    .innerJoin('user_keys', 'user_keys.user_id', 'users.id')
    .where((eb) =>
      eb.or([eb('user_keys.key_id', '!=', currentId), eb('users.email_key_id', '!=', currentId)]),
    );
}

export async function countStale(db: Kysely<PlatformDatabase>, ring: KeyRing): Promise<number> {
  const row = await stale(db, ring.current.id)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Rotates one batch in one transaction; returns how many users it moved. */
export async function rotateBatch(
  db: Kysely<PlatformDatabase>,
  ring: KeyRing,
  size: number,
): Promise<number> {
  const current = ring.current;
  return db.transaction().execute(async (trx) => {
    const rows = await stale(trx, current.id)
      .select(['users.id', 'users.email_sealed', 'user_keys.key_id', 'user_keys.wrapped_key'])
      .orderBy('users.id')
      .limit(size)
      .execute();
    for (const row of rows) {
      const dataKey = unwrapDataKey(ring, row.id, { keyId: row.key_id, wrapped: row.wrapped_key });
      const email = open(
        dataKey,
        row.email_sealed,
        sealedAd('users', 'email', row.id, row.id),
      ).toString('utf8');
      const wrapped = wrapDataKey(current, row.id, dataKey);
      await trx
        .updateTable('user_keys')
        .set({ key_id: wrapped.keyId, wrapped_key: wrapped.wrapped })
        .where('user_id', '=', row.id)
        .execute();
      await trx
        .updateTable('users')
        .set({ email_index: emailIndex(current, email), email_key_id: current.id })
        .where('id', '=', row.id)
        .execute();
    }
    return rows.length;
  });
}

/** Rotates everything, batch after batch, reporting progress after each. */
export async function rotateAll(
  db: Kysely<PlatformDatabase>,
  ring: KeyRing,
  options: { batchSize: number; onProgress?: (progress: RotationProgress) => void },
): Promise<number> {
  const total = await countStale(db, ring);
  let done = 0;
  for (;;) {
    const moved = await rotateBatch(db, ring, options.batchSize);
    if (moved === 0) break;
    done += moved;
    options.onProgress?.({ done, total: Math.max(total, done) });
  }
  return done;
}

/** How many data keys are wrapped under each key id. */
export async function keyStatus(
  db: Kysely<PlatformDatabase>,
): Promise<Array<{ keyId: string; users: number }>> {
  const rows = await db
    .selectFrom('user_keys')
    .select(['key_id', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('key_id')
    .orderBy('key_id')
    .execute();
  return rows.map((r) => ({ keyId: r.key_id, users: Number(r.n) }));
}
