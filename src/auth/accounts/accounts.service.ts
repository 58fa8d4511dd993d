/**
 * Accounts: signup, login, password change and profile.
 *
 * Enumeration: signup and login do the same work, answer the same way and
 * take the same time whether or not the email is registered. Signup always
 * hashes the password and always attempts one insert; login always runs one
 * argon2 verify, against a dummy hash for an unknown email.
 */
import { randomUUID } from 'node:crypto';

import type { Kysely } from 'kysely';

import { emailIndex, normaliseEmail } from '../../crypto/blind-index.ts';
import { generateDataKey, wrapDataKey } from '../../crypto/data-key.ts';
import type { KeyRing } from '../../crypto/keyring.ts';
import { openJson, seal, sealedAd, sealJson, open } from '../../crypto/sealed.ts';
import type { PlatformDatabase } from '../../db/types.ts';
import { badRequest, unauthorized } from '../../errors.ts';
import { recordEvent, type AuditContext } from '../audit/audit.repository.ts';
import { refundAttempt, resetFailures, takeAttempt, type LockoutSettings } from '../lockout.ts';
import type { PasswordHasher } from '../passwords/hasher.ts';
import { checkPassword } from '../passwords/password-policy.ts';
import type { SessionService } from '../sessions/sessions.service.ts';
import * as users from '../users/users.repository.ts';
import type { DataKeys } from './data-keys.ts';

/**
 * A pragmatic address check after normalisation: one @, a dotted domain, no
 * spaces or control characters, at most 254 characters (RFC 5321 path limit).
 */
const EMAIL_SHAPE = /^[^\s@\p{C}]{1,64}@[^\s@\p{C}]+\.[^\s@\p{C}]+$/u;

export function checkEmail(normalised: string): void {
  if (normalised.length > 254 || !EMAIL_SHAPE.test(normalised)) {
    throw badRequest('email is not a valid address', [
      { path: '/body/email', message: 'is not a valid address' },
    ]);
  }
}

export const INVALID_CREDENTIALS = 'Invalid email or password';

export interface Profile {
  readonly id: string;
  readonly email: string;
  readonly displayName: string | null;
  readonly timeZone: string | null;
  readonly mfaEnabled: boolean;
  readonly createdAt: string;
}

interface StoredProfile {
  displayName?: string | null;
  timeZone?: string | null;
}

/** What a password check found: the user row when the password was right. */
export type PasswordCheck = { ok: true; user: users.UserRow } | { ok: false };

export class AccountService {
  constructor(
    private readonly db: Kysely<PlatformDatabase>,
    private readonly ring: KeyRing,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly dataKeys: DataKeys,
    private readonly lockout: LockoutSettings,
  ) {}

  /** Blind indexes of an email under every key in the ring, current first (rotation). */
  private indexes(email: string): string[] {
    return this.ring.all().map((k) => emailIndex(k, email));
  }

  async signup(email: string, password: string, context: AuditContext): Promise<void> {
    const normalised = normaliseEmail(email);
    checkEmail(normalised);
    checkPassword(password, normalised);
    const id = randomUUID();
    const dataKey = generateDataKey();
    const wrapped = wrapDataKey(this.ring.current, id, dataKey);
    const passwordHash = await this.hasher.hash(password);
    const existing = await users.findUserByEmailIndex(this.db, this.indexes(normalised).slice(1));
    if (existing) return; // registered under an older key: the same answer, no insert
    const created = await users.insertUser(this.db, {
      id,
      emailIndex: emailIndex(this.ring.current, normalised),
      emailKeyId: this.ring.current.id,
      emailSealed: seal(
        dataKey,
        Buffer.from(normalised, 'utf8'),
        sealedAd('users', 'email', id, id),
      ),
      passwordHash,
      dataKeyId: wrapped.keyId,
      wrappedDataKey: wrapped.wrapped,
    });
    if (created) await recordEvent(this.db, id, 'signup', context);
  }

  /**
   * Checks a password for an account, counting a wrong one toward the lockout.
   * A locked account fails even with the right password. Always one verify.
   *
   * The attempt is counted BEFORE the verify, in the UPDATE that refuses a
   * locked account (`takeAttempt`), and given back when the password is right.
   * Guesses sent together, even to several instances, are thus counted in one
   * order by the database, and at most `threshold` of them are ever checked:
   * re-reading the lock after the verify is not enough on PostgreSQL, where a
   * guess's count may land after a later guess has already been checked.
   */
  async checkPassword(
    user: users.UserRow | undefined,
    password: string,
    context: AuditContext,
  ): Promise<PasswordCheck> {
    if (!user) {
      await this.hasher.verifyDummy(password);
      return { ok: false };
    }
    const now = new Date();
    const attempt = await takeAttempt(this.db, user.id, this.lockout, now);
    let matches: boolean;
    try {
      // Verified even when locked, so a locked account answers in the same time.
      matches = await this.hasher.verify(user.password_hash, password);
    } catch (err) {
      // Never checked (the hash queue was full: 503): the attempt does not count.
      if (attempt.allowed) await refundAttempt(this.db, user.id, this.lockout, attempt, now);
      throw err;
    }
    if (!attempt.allowed) return { ok: false };
    if (!matches) {
      await recordEvent(this.db, user.id, 'login_failure', context);
      if (attempt.locks) await recordEvent(this.db, user.id, 'lockout', context);
      return { ok: false };
    }
    // The refund answers with the row as it now is (the verify took a while).
    const current =
      (await refundAttempt(this.db, user.id, this.lockout, attempt, now)) ??
      (await users.findUserById(this.db, user.id));
    if (!current) return { ok: false };
    if (this.hasher.needsRehash(user.password_hash)) {
      await users.updatePasswordHash(this.db, user.id, await this.hasher.hash(password));
    }
    return { ok: true, user: current };
  }

  /** The first login step: the user row when email and password are right, else a generic 401. */
  async verifyCredentials(
    email: string,
    password: string,
    context: AuditContext,
  ): Promise<users.UserRow> {
    const user = await users.findUserByEmailIndex(this.db, this.indexes(email));
    const check = await this.checkPassword(user, password, context);
    if (!check.ok) throw unauthorized(INVALID_CREDENTIALS);
    return check.user;
  }

  /** Completes a login: resets the failure count and starts a session. */
  async completeLogin(userId: string, context: AuditContext) {
    await resetFailures(this.db, userId);
    await recordEvent(this.db, userId, 'login_success', context);
    return this.sessions.start(userId, context);
  }

  /**
   * Sets a new password for a user whose identity the caller has just
   * confirmed (MfaService.confirmIdentity); every other session ends.
   */
  async changePassword(
    user: users.UserRow,
    sessionId: string,
    newPassword: string,
    context: AuditContext,
  ): Promise<void> {
    const userId = user.id;
    const email = await this.email(user);
    checkPassword(newPassword, email, 'newPassword');
    await users.updatePasswordHash(this.db, userId, await this.hasher.hash(newPassword));
    await resetFailures(this.db, userId);
    await this.sessions.revokeOthers(userId, sessionId);
    await recordEvent(this.db, userId, 'password_change', context);
  }

  private async email(user: users.UserRow): Promise<string> {
    const dataKey = await this.dataKeys.forUser(user.id);
    return open(dataKey, user.email_sealed, sealedAd('users', 'email', user.id, user.id)).toString(
      'utf8',
    );
  }

  async profile(userId: string): Promise<Profile> {
    const user = await users.findUserById(this.db, userId);
    if (!user) throw unauthorized();
    const dataKey = await this.dataKeys.forUser(userId);
    const email = open(
      dataKey,
      user.email_sealed,
      sealedAd('users', 'email', user.id, user.id),
    ).toString('utf8');
    const stored = user.profile_sealed
      ? (openJson(
          dataKey,
          user.profile_sealed,
          sealedAd('users', 'profile', user.id, user.id),
        ) as StoredProfile)
      : {};
    return {
      id: user.id,
      email,
      displayName: stored.displayName ?? null,
      timeZone: stored.timeZone ?? null,
      mfaEnabled: user.mfa_enabled === 1,
      createdAt: user.created_at,
    };
  }

  async updateProfile(
    userId: string,
    changes: { displayName?: string | null; timeZone?: string | null },
    context: AuditContext,
  ): Promise<Profile> {
    const current = await this.profile(userId);
    const next: StoredProfile = {
      displayName: changes.displayName === undefined ? current.displayName : changes.displayName,
      timeZone: changes.timeZone === undefined ? current.timeZone : changes.timeZone,
    };
    const dataKey = await this.dataKeys.forUser(userId);
    await users.updateProfile(
      this.db,
      userId,
      sealJson(dataKey, next, sealedAd('users', 'profile', userId, userId)),
    );
    await recordEvent(this.db, userId, 'profile_update', context);
    return { ...current, displayName: next.displayName ?? null, timeZone: next.timeZone ?? null };
  }
}
