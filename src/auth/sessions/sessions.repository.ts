/** Plain functions over `sessions` and `refresh_tokens`. */
import type { Kysely, Selectable } from 'kysely';

import { prepared } from '../../db/prepared.ts';
import type { PlatformDatabase, SessionsTable } from '../../db/types.ts';

export type SessionRow = Selectable<SessionsTable>;

export interface NewSession {
  readonly id: string;
  readonly userId: string;
  readonly tokenHash: string;
  readonly expiresAt: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export async function insertSession(
  db: Kysely<PlatformDatabase>,
  session: NewSession,
): Promise<void> {
  const now = new Date().toISOString();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({
        id: session.id,
        user_id: session.userId,
        created_at: now,
        last_used_at: now,
        expires_at: session.expiresAt,
        revoked_at: null,
        ip: session.ip,
        user_agent: session.userAgent?.slice(0, 512) ?? null,
      })
      .execute();
    await trx
      .insertInto('refresh_tokens')
      .values({
        token_hash: session.tokenHash,
        session_id: session.id,
        created_at: now,
        expires_at: session.expiresAt,
        rotated_at: null,
      })
      .execute();
  });
}

const liveSession = prepared(
  (db: Kysely<PlatformDatabase>, sessionId: string, userId: string, now: string) =>
    db
      .selectFrom('sessions')
      .select(['id', 'last_used_at'])
      .where('id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now),
);

/** A session that is neither revoked nor expired: checked on every authenticated request. */
export async function findLiveSession(
  db: Kysely<PlatformDatabase>,
  sessionId: string,
  userId: string,
): Promise<Pick<SessionRow, 'id' | 'last_used_at'> | undefined> {
  return (await liveSession(db, sessionId, userId, new Date().toISOString()))[0];
}

export async function touchSession(
  db: Kysely<PlatformDatabase>,
  sessionId: string,
  at: string,
): Promise<void> {
  await db.updateTable('sessions').set({ last_used_at: at }).where('id', '=', sessionId).execute();
}

const refreshToken = prepared((db: Kysely<PlatformDatabase>, tokenHash: string) =>
  db
    .selectFrom('refresh_tokens')
    .innerJoin('sessions', 'sessions.id', 'refresh_tokens.session_id')
    .select([
      'refresh_tokens.session_id',
      'refresh_tokens.expires_at',
      'refresh_tokens.rotated_at',
      'sessions.user_id',
      'sessions.revoked_at',
    ])
    .where('refresh_tokens.token_hash', '=', tokenHash),
);

export async function findRefreshToken(db: Kysely<PlatformDatabase>, tokenHash: string) {
  return (await refreshToken(db, tokenHash))[0];
}

/**
 * Marks a refresh token used and stores its successor, atomically: the
 * conditional UPDATE lets exactly one of several racing requests win, on
 * SQLite and PostgreSQL alike. Returns false when another request won.
 */
export async function rotateRefreshToken(
  db: Kysely<PlatformDatabase>,
  oldHash: string,
  next: { sessionId: string; tokenHash: string; expiresAt: string },
): Promise<boolean> {
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const used = await trx
      .updateTable('refresh_tokens')
      .set({ rotated_at: now })
      .where('token_hash', '=', oldHash)
      .where('rotated_at', 'is', null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) return false;
    await trx
      .insertInto('refresh_tokens')
      .values({
        token_hash: next.tokenHash,
        session_id: next.sessionId,
        created_at: now,
        expires_at: next.expiresAt,
        rotated_at: null,
      })
      .execute();
    await trx
      .updateTable('sessions')
      .set({ expires_at: next.expiresAt, last_used_at: now })
      .where('id', '=', next.sessionId)
      .execute();
    return true;
  });
}

export async function revokeSession(
  db: Kysely<PlatformDatabase>,
  userId: string,
  sessionId: string,
): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: new Date().toISOString() })
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function revokeOtherSessions(
  db: Kysely<PlatformDatabase>,
  userId: string,
  keepSessionId: string | null,
): Promise<void> {
  let query = db
    .updateTable('sessions')
    .set({ revoked_at: new Date().toISOString() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (keepSessionId !== null) query = query.where('id', '!=', keepSessionId);
  await query.execute();
}

export async function listLiveSessions(
  db: Kysely<PlatformDatabase>,
  userId: string,
): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date().toISOString())
    .orderBy('last_used_at', 'desc')
    .limit(100)
    .execute();
}
