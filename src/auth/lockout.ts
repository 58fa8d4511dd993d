/**
 * Account lockout (DESIGN.md section 5): consecutive failures of any secret the
 * account holder proves (password or MFA code, on any route) lock the account
 * for a while; a success resets the count.
 *
 * Each step is a single atomic UPDATE outside any caller's transaction, so
 * concurrent failures count exactly and a failure is recorded even when the
 * request's own work is rolled back.
 */
import { sql, type Kysely } from 'kysely';

import type { PlatformDatabase } from '../db/types.ts';

export interface LockoutSettings {
  readonly threshold: number;
  readonly durationMs: number;
}

export function isLocked(user: { locked_until: string | null }, now = new Date()): boolean {
  return user.locked_until !== null && user.locked_until > now.toISOString();
}

/** The SET clause of one counted failure: at the threshold, lock and restart the count. */
function oneMoreFailure(settings: LockoutSettings, lockUntil: string) {
  return {
    failed_attempts: sql<number>`case when failed_attempts + 1 >= ${settings.threshold} then 0 else failed_attempts + 1 end`,
    locked_until: sql<
      string | null
    >`case when failed_attempts + 1 >= ${settings.threshold} then ${lockUntil} else locked_until end`,
  };
}

/**
 * Counts one failure. Returns true when this failure locked the account.
 * Reaching the threshold sets `locked_until` and restarts the count, all in
 * one statement, so two racing failures cannot both miss the threshold.
 */
export async function recordFailure(
  db: Kysely<PlatformDatabase>,
  userId: string,
  settings: LockoutSettings,
  now = new Date(),
): Promise<boolean> {
  const lockUntil = new Date(now.getTime() + settings.durationMs).toISOString();
  const row = await db
    .updateTable('users')
    .set(oneMoreFailure(settings, lockUntil))
    .where('id', '=', userId)
    .returning(['failed_attempts', 'locked_until'])
    .executeTakeFirst();
  return row !== undefined && row.failed_attempts === 0 && row.locked_until === lockUntil;
}

/** What `takeAttempt` found: a locked account, or an attempt now counted (and whether it locked). */
export type Attempt =
  { readonly allowed: false } | { readonly allowed: true; readonly locks: boolean };

/**
 * Counts an attempt as a failure BEFORE its secret is checked, unless the
 * account is locked. The lock test and the count are one UPDATE, so of many
 * guesses sent together at most `threshold` are allowed before the lock; a
 * check-then-count would let them all through on a database that answers
 * asynchronously. The caller resets the count when the secret was right.
 */
export async function takeAttempt(
  db: Kysely<PlatformDatabase>,
  userId: string,
  settings: LockoutSettings,
  now = new Date(),
): Promise<Attempt> {
  const lockUntil = new Date(now.getTime() + settings.durationMs).toISOString();
  const row = await db
    .updateTable('users')
    .set(oneMoreFailure(settings, lockUntil))
    .where('id', '=', userId)
    .where((eb) =>
      eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now.toISOString())]),
    )
    .returning(['failed_attempts', 'locked_until'])
    .executeTakeFirst();
  if (row === undefined) return { allowed: false };
  return { allowed: true, locks: row.failed_attempts === 0 && row.locked_until === lockUntil };
}

/**
 * Gives back an attempt `takeAttempt` counted (with the same `now`) whose
 * secret proved right while the login is not yet complete (a second factor
 * follows): the count goes down by one, and a lock this very attempt set is
 * lifted with the count left one short of the threshold, as it was before.
 */
export async function refundAttempt(
  db: Kysely<PlatformDatabase>,
  userId: string,
  settings: LockoutSettings,
  attempt: { readonly locks: boolean },
  now: Date,
): Promise<void> {
  if (attempt.locks) {
    const lockUntil = new Date(now.getTime() + settings.durationMs).toISOString();
    await db
      .updateTable('users')
      .set({ failed_attempts: settings.threshold - 1, locked_until: null })
      .where('id', '=', userId)
      .where('locked_until', '=', lockUntil)
      .execute();
    return;
  }
  await db
    .updateTable('users')
    .set({
      failed_attempts: sql<number>`case when failed_attempts > 0 then failed_attempts - 1 else 0 end`,
    })
    .where('id', '=', userId)
    .execute();
}

export async function resetFailures(db: Kysely<PlatformDatabase>, userId: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ failed_attempts: 0, locked_until: null })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('failed_attempts', '!=', 0), eb('locked_until', 'is not', null)]))
    .execute();
}
