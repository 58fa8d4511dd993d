/** Plain functions over the MFA columns of `users`, `recovery_codes` and `mfa_challenges`. */
import { randomUUID } from 'node:crypto';

import type { Kysely } from 'kysely';

import type { PlatformDatabase } from '../../db/types.ts';

export async function saveMfaState(
  db: Kysely<PlatformDatabase>,
  userId: string,
  state: { sealed: Buffer | null; enabled: boolean; lastStep?: number | null },
): Promise<void> {
  await db
    .updateTable('users')
    .set({
      mfa_sealed: state.sealed,
      mfa_enabled: state.enabled ? 1 : 0,
      ...(state.lastStep === undefined ? {} : { mfa_last_step: state.lastStep }),
      updated_at: new Date().toISOString(),
    })
    .where('id', '=', userId)
    .execute();
}

/**
 * Claims a TOTP time step: succeeds only when it is newer than the last one
 * accepted, in one conditional UPDATE, so a code works once even when two
 * requests carry it at the same moment.
 */
export async function claimStep(
  db: Kysely<PlatformDatabase>,
  userId: string,
  step: number,
): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ mfa_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('mfa_last_step', 'is', null), eb('mfa_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function replaceRecoveryCodes(
  db: Kysely<PlatformDatabase>,
  userId: string,
  hashes: readonly string[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    if (hashes.length === 0) return;
    await trx
      .insertInto('recovery_codes')
      .values(
        hashes.map((code_hash) => ({
          id: randomUUID(),
          user_id: userId,
          code_hash,
          used_at: null,
        })),
      )
      .execute();
  });
}

/** Uses a recovery code once: the conditional UPDATE lets only one request succeed. */
export async function useRecoveryCode(
  db: Kysely<PlatformDatabase>,
  userId: string,
  hash: string,
): Promise<boolean> {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: new Date().toISOString() })
    .where('user_id', '=', userId)
    .where('code_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countUnusedRecoveryCodes(
  db: Kysely<PlatformDatabase>,
  userId: string,
): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertChallenge(
  db: Kysely<PlatformDatabase>,
  challenge: { id: string; userId: string; expiresAt: string },
): Promise<void> {
  await db
    .insertInto('mfa_challenges')
    .values({
      id: challenge.id,
      user_id: challenge.userId,
      created_at: new Date().toISOString(),
      expires_at: challenge.expiresAt,
      used_at: null,
      failures: 0,
    })
    .execute();
}

/**
 * Takes one attempt from a challenge that is unused, unexpired, belongs to
 * `userId` and has attempts left; false otherwise. Test and count are one
 * UPDATE, so requests sent together cannot share the last attempt. The
 * `failures` column counts attempts: a right one spends the challenge, so on
 * a live challenge every attempt so far was a failure.
 */
export async function takeChallengeAttempt(
  db: Kysely<PlatformDatabase>,
  id: string,
  userId: string,
  maxAttempts: number,
): Promise<boolean> {
  const result = await db
    .updateTable('mfa_challenges')
    .set((eb) => ({ failures: eb('failures', '+', 1) }))
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .where('failures', '<', maxAttempts)
    .where('expires_at', '>', new Date().toISOString())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Spends a challenge; false when another request already did. */
export async function consumeChallenge(db: Kysely<PlatformDatabase>, id: string): Promise<boolean> {
  const result = await db
    .updateTable('mfa_challenges')
    .set({ used_at: new Date().toISOString() })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteChallenges(
  db: Kysely<PlatformDatabase>,
  userId: string,
): Promise<void> {
  await db.deleteFrom('mfa_challenges').where('user_id', '=', userId).execute();
}
