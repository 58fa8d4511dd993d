/**
 * The security trail (DESIGN.md section 7): what happened to an account, when
 * and from where. Never a password, token, code or journal content.
 */
import { randomUUID } from 'node:crypto';

import type { Kysely } from 'kysely';

import { prepared } from '../../db/prepared.ts';
import type { PlatformDatabase } from '../../db/types.ts';

export type AuditType =
  | 'signup'
  | 'login_success'
  | 'login_failure'
  | 'lockout'
  | 'logout'
  | 'password_change'
  | 'session_revoked'
  | 'refresh_token_reuse'
  | 'profile_update'
  | 'mfa_enabled'
  | 'mfa_disabled'
  | 'mfa_failure'
  | 'recovery_code_used'
  | 'recovery_codes_regenerated'
  | 'export'
  | 'import'
  | 'account_deleted';

export interface AuditContext {
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export interface AuditEvent {
  readonly id: string;
  readonly type: string;
  readonly at: string;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

// Every sign-in writes one: built and compiled once (db/prepared.ts).
const insertEvent = prepared(
  (
    db: Kysely<PlatformDatabase>,
    id: string,
    userId: string | null,
    type: AuditType,
    at: string,
    ip: string | null,
    userAgent: string | null,
  ) =>
    db
      .insertInto('audit_events')
      .values({ id, user_id: userId, type, at, ip, user_agent: userAgent }),
);

export async function recordEvent(
  db: Kysely<PlatformDatabase>,
  userId: string | null,
  type: AuditType,
  context: AuditContext,
): Promise<void> {
  await insertEvent(
    db,
    randomUUID(),
    userId,
    type,
    new Date().toISOString(),
    context.ip,
    context.userAgent?.slice(0, 512) ?? null,
  );
}

/** Newest first; the cursor is the last row's `(at, id)`. */
export async function listEvents(
  db: Kysely<PlatformDatabase>,
  userId: string,
  limit: number,
  after?: { at: string; id: string },
): Promise<AuditEvent[]> {
  let query = db
    .selectFrom('audit_events')
    .select(['id', 'type', 'at', 'ip', 'user_agent'])
    .where('user_id', '=', userId);
  if (after) {
    query = query.where((eb) =>
      eb.or([eb('at', '<', after.at), eb.and([eb('at', '=', after.at), eb('id', '<', after.id)])]),
    );
  }
  const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, type: r.type, at: r.at, ip: r.ip, userAgent: r.user_agent }));
}
