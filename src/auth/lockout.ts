/**
 * Account lockout (DESIGN.md section 5): consecutive failures of any secret the
 * account holder proves (password or MFA code, on any route) lock the account
 * for a while; a success resets the count.
 *
 * Each step is a single atomic UPDATE outside any caller's transaction, so
 * concurrent failures count exactly and a failure is recorded even when the
 * request's own work is rolled back.
 */
import { sql, type Kysely, type Selectable } from 'kysely';

import { prepared } from '../db/prepared.ts';
import type { PlatformDatabase, UsersTable } from '../db/types.ts';

type Db = Kysely<PlatformDatabase>;

export interface LockoutSettings {
  readonly threshold: number;
  readonly durationMs: number;
}

export function isLocked(user: { locked_until: string | null }, now = new Date()): boolean {
  return user.locked_until !== null && user.locked_until > now.toISOString();
}

/** The SET clause of one counted failure: at the threshold, lock and restart the count. */
function oneMoreFailure(threshold: number, lockUntil: string) {
  return {
    failed_attempts: sql<number>`case when failed_attempts + 1 >= ${threshold} then 0 else failed_attempts + 1 end`,
    locked_until: sql<
      string | null
    >`case when failed_attempts + 1 >= ${threshold} then ${lockUntil} else locked_until end`,
  };
}

// Every login runs these, so they are built and compiled once (db/prepared.ts).
const failure = prepared((db: Db, userId: string, threshold: number, lockUntil: string) =>
  db
    .updateTable('users')
    .set(oneMoreFailure(threshold, lockUntil))
    .where('id', '=', userId)
    .returning(['failed_attempts', 'locked_until']),
);

const attempt = prepared(
  (db: Db, userId: string, threshold: number, lockUntil: string, now: string) =>
    db
      .updateTable('users')
      .set(oneMoreFailure(threshold, lockUntil))
      .where('id', '=', userId)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
      .returning(['failed_attempts', 'locked_until']),
);

const refund = prepared((db: Db, userId: string) =>
  db
    .updateTable('users')
    .set({
      failed_attempts: sql<number>`case when failed_attempts > 0 then failed_attempts - 1 else 0 end`,
    })
    .where('id', '=', userId)
    .returningAll(),
);

const unlock = prepared((db: Db, userId: string, count: number, lockUntil: string) =>
  db
    .updateTable('users')
    .set({ failed_attempts: count, locked_until: null })
    .where('id', '=', userId)
    .where('locked_until', '=', lockUntil)
    .returningAll(),
);

const reset = prepared((db: Db, userId: string) =>
  db
    .updateTable('users')
    .set({ failed_attempts: 0, locked_until: null })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('failed_attempts', '!=', 0), eb('locked_until', 'is not', null)])),
);

function lockEnd(settings: LockoutSettings, now: Date): string {
  return new Date(now.getTime() + settings.durationMs).toISOString();
}

/**
 * Counts one failure. Returns true when this failure locked the account.
 * Reaching the threshold sets `locked_until` and restarts the count, all in
 * one statement, so two racing failures cannot both miss the threshold.
 */
export async function recordFailure(
  db: Db,
  userId: string,
  settings: LockoutSettings,
  now = new Date(),
): Promise<boolean> {
  const lockUntil = lockEnd(settings, now);
  const [row] = await failure(db, userId, settings.threshold, lockUntil);
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
  db: Db,
  userId: string,
  settings: LockoutSettings,
  now = new Date(),
): Promise<Attempt> {
  const lockUntil = lockEnd(settings, now);
  const [row] = await attempt(db, userId, settings.threshold, lockUntil, now.toISOString());
  if (row === undefined) return { allowed: false };
  return { allowed: true, locks: row.failed_attempts === 0 && row.locked_until === lockUntil };
}

/**
 * Gives back an attempt `takeAttempt` counted (with the same `now`) whose
 * secret proved right while the login is not yet complete (a second factor
 * follows): the count goes down by one, and a lock this very attempt set is
 * lifted with the count left one short of the threshold, as it was before.
 *
 * Returns the user's row as this UPDATE left it, so the caller need not read
 * it again; undefined when the row is gone, or when the lock this attempt set
 * has already been replaced (nothing was changed then).
 */
export async function refundAttempt(
  db: Db,
  userId: string,
  settings: LockoutSettings,
  attempt: { readonly locks: boolean },
  now: Date,
): Promise<Selectable<UsersTable> | undefined> {
  const [row] = attempt.locks
    ? await unlock(db, userId, settings.threshold - 1, lockEnd(settings, now))
    : await refund(db, userId);
  return row;
}

export async function resetFailures(db: Db, userId: string): Promise<void> {
  await reset(db, userId);
}
