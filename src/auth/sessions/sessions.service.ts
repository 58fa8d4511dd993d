/**
 * Sessions: one row per sign-in, holding the current refresh token (as a
 * hash). Access tokens name their session, so revoking the row stops them at
 * once. Refresh tokens rotate on every use; presenting one that was already
 * rotated out means it was copied, so the whole session is revoked.
 */
import { randomUUID } from 'node:crypto';

import type { Kysely } from 'kysely';

import type { PlatformDatabase } from '../../db/types.ts';
import { unauthorized } from '../../errors.ts';
import { recordEvent, type AuditContext } from '../audit/audit.repository.ts';
import type { TokenService } from '../tokens/access-token.ts';
import { hashRefreshToken, newRefreshToken } from '../tokens/refresh-token.ts';
import * as repo from './sessions.repository.ts';

export interface IssuedTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
  readonly tokenType: 'Bearer';
  readonly sessionId: string;
}

export interface AuthenticatedUser {
  readonly id: string;
  readonly sessionId: string;
}

/** Only write `last_used_at` when it is this stale, so reads stay reads. */
const TOUCH_AFTER_MS = 60_000;

export class SessionService {
  constructor(
    private readonly db: Kysely<PlatformDatabase>,
    private readonly tokens: TokenService,
    private readonly refreshTtlSeconds: number,
  ) {}

  private refreshExpiry(): string {
    return new Date(Date.now() + this.refreshTtlSeconds * 1000).toISOString();
  }

  private issued(userId: string, sessionId: string, refreshToken: string): IssuedTokens {
    return {
      accessToken: this.tokens.issue(userId, sessionId),
      refreshToken,
      expiresIn: this.tokens.expiresIn,
      tokenType: 'Bearer',
      sessionId,
    };
  }

  async start(userId: string, context: AuditContext): Promise<IssuedTokens> {
    const sessionId = randomUUID();
    const refreshToken = newRefreshToken();
    await repo.insertSession(this.db, {
      id: sessionId,
      userId,
      tokenHash: hashRefreshToken(refreshToken),
      expiresAt: this.refreshExpiry(),
      ip: context.ip,
      userAgent: context.userAgent,
    });
    return this.issued(userId, sessionId, refreshToken);
  }

  /** Exchanges a refresh token for a new pair; the old token is dead afterwards. */
  async refresh(refreshToken: string, context: AuditContext): Promise<IssuedTokens> {
    const oldHash = hashRefreshToken(refreshToken);
    const found = await repo.findRefreshToken(this.db, oldHash);
    if (!found || found.revoked_at !== null || found.expires_at <= new Date().toISOString()) {
      throw unauthorized('The refresh token is invalid or expired');
    }
    const next = newRefreshToken();
    const rotated =
      found.rotated_at === null &&
      (await repo.rotateRefreshToken(this.db, oldHash, {
        sessionId: found.session_id,
        tokenHash: hashRefreshToken(next),
        expiresAt: this.refreshExpiry(),
      }));
    if (!rotated) {
      // Reuse of a rotated-out token: someone holds a copy. End the session.
      await repo.revokeSession(this.db, found.user_id, found.session_id);
      await recordEvent(this.db, found.user_id, 'refresh_token_reuse', context);
      throw unauthorized('The refresh token is invalid or expired');
    }
    return this.issued(found.user_id, found.session_id, next);
  }

  /** The session a refresh token belongs to, without using the token. */
  async sessionIdOf(refreshToken: string): Promise<string | undefined> {
    return (await repo.findRefreshToken(this.db, hashRefreshToken(refreshToken)))?.session_id;
  }

  /** Resolves a bearer access token to its user, if the token is valid and its session live. */
  async authenticate(accessToken: string): Promise<AuthenticatedUser | undefined> {
    const claims = this.tokens.check(accessToken, 'access');
    if (!claims) return undefined;
    const session = await repo.findLiveSession(this.db, claims.sid, claims.sub);
    if (!session) return undefined;
    const now = new Date();
    if (now.getTime() - Date.parse(session.last_used_at) > TOUCH_AFTER_MS) {
      await repo.touchSession(this.db, session.id, now.toISOString());
    }
    return { id: claims.sub, sessionId: claims.sid };
  }

  async revoke(userId: string, sessionId: string): Promise<boolean> {
    return repo.revokeSession(this.db, userId, sessionId);
  }

  async revokeOthers(userId: string, keepSessionId: string | null): Promise<void> {
    await repo.revokeOtherSessions(this.db, userId, keepSessionId);
  }

  list(userId: string) {
    return repo.listLiveSessions(this.db, userId);
  }
}
