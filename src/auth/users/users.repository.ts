/** Plain functions over the `users` and `user_keys` tables. */
import type { Kysely, Selectable } from 'kysely';

import { prepared } from '../../db/prepared.ts';
import type { PlatformDatabase, UsersTable } from '../../db/types.ts';

export type UserRow = Selectable<UsersTable>;

export interface NewUser {
  readonly id: string;
  readonly emailIndex: string;
  readonly emailKeyId: string;
  readonly emailSealed: Buffer;
  readonly passwordHash: string;
  readonly dataKeyId: string;
  readonly wrappedDataKey: Buffer;
}

/** Inserts the user and their wrapped data key together; false when the email is taken. */
export async function insertUser(db: Kysely<PlatformDatabase>, user: NewUser): Promise<boolean> {
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('users')
      .values({
        id: user.id,
        email_index: user.emailIndex,
        email_key_id: user.emailKeyId,
        email_sealed: user.emailSealed,
        password_hash: user.passwordHash,
        profile_sealed: null,
        failed_attempts: 0,
        locked_until: null,
        mfa_enabled: 0,
        mfa_sealed: null,
        mfa_last_step: null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('email_index').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
    await trx
      .insertInto('user_keys')
      .values({
        user_id: user.id,
        key_id: user.dataKeyId,
        wrapped_key: user.wrappedDataKey,
        created_at: now,
      })
      .execute();
    return true;
  });
}

export async function findUserByEmailIndex(
  db: Kysely<PlatformDatabase>,
  emailIndexes: readonly string[],
): Promise<UserRow | undefined> {
  if (emailIndexes.length === 0) return undefined;
  return db
    .selectFrom('users')
    .selectAll()
    .where('email_index', 'in', emailIndexes)
    .executeTakeFirst();
}

export async function findUserById(
  db: Kysely<PlatformDatabase>,
  id: string,
): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

const userKey = prepared((db: Kysely<PlatformDatabase>, userId: string) =>
  db.selectFrom('user_keys').select(['key_id', 'wrapped_key']).where('user_id', '=', userId),
);

export async function findUserKey(db: Kysely<PlatformDatabase>, userId: string) {
  return (await userKey(db, userId))[0];
}

export async function updatePasswordHash(
  db: Kysely<PlatformDatabase>,
  userId: string,
  hash: string,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: hash, updated_at: new Date().toISOString() })
    .where('id', '=', userId)
    .execute();
}

export async function updateProfile(
  db: Kysely<PlatformDatabase>,
  userId: string,
  sealed: Buffer,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ profile_sealed: sealed, updated_at: new Date().toISOString() })
    .where('id', '=', userId)
    .execute();
}
