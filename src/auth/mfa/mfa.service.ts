/**
 * Two-factor authentication (DESIGN.md section 5): TOTP enrolment with a QR
 * code, single-use codes, recovery codes, and the second login step.
 *
 * The TOTP secret lives only sealed under the user's data key. Every code
 * tried counts toward the account lockout before it is checked (a right one
 * then resets the count); a login challenge is single-use, short-lived and
 * takes at most a few codes.
 */
import { randomUUID } from 'node:crypto';

import type { Kysely } from 'kysely';
import QRCode from 'qrcode';

import { open, openJson, sealedAd, sealJson } from '../../crypto/sealed.ts';
import type { PlatformDatabase } from '../../db/types.ts';
import { AppError, badRequest, unauthorized } from '../../errors.ts';
import type { AccountService } from '../accounts/accounts.service.ts';
import type { DataKeys } from '../accounts/data-keys.ts';
import { recordEvent, type AuditContext } from '../audit/audit.repository.ts';
import { resetFailures, takeAttempt, type LockoutSettings } from '../lockout.ts';
import type { IssuedTokens } from '../sessions/sessions.service.ts';
import type { TokenService } from '../tokens/access-token.ts';
import { findUserById, type UserRow } from '../users/users.repository.ts';
import * as repo from './mfa.repository.ts';
import { hashRecoveryCode, newRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes.ts';
import { matchingStep, newTotpSecret, otpauthUri } from './totp.ts';

/** Codes one login challenge takes, right or wrong. */
export const CHALLENGE_MAX_ATTEMPTS = 5;
export const CHALLENGE_TTL_SECONDS = 300;

const INVALID_CODE = 'Invalid or expired code';

interface MfaState {
  /** The active secret (base32), once enabled. */
  secret: string | null;
  /** A secret from setup, waiting for its first code. */
  pending: string | null;
}

/** A second factor as sent: a TOTP code or a recovery code. */
export interface SecondFactor {
  readonly code?: string | undefined;
  readonly recoveryCode?: string | undefined;
}

const mfaAd = (userId: string) => sealedAd('users', 'mfa', userId, userId);

export class MfaService {
  constructor(
    private readonly db: Kysely<PlatformDatabase>,
    private readonly dataKeys: DataKeys,
    private readonly accounts: AccountService,
    private readonly challengeTokens: TokenService,
    private readonly lockout: LockoutSettings,
  ) {}

  private async user(userId: string): Promise<UserRow> {
    const user = await findUserById(this.db, userId);
    if (!user) throw unauthorized();
    return user;
  }

  private state(user: UserRow, dataKey: Buffer): MfaState {
    if (!user.mfa_sealed) return { secret: null, pending: null };
    const state = openJson(dataKey, user.mfa_sealed, mfaAd(user.id)) as MfaState;
    return { secret: state.secret ?? null, pending: state.pending ?? null };
  }

  private async save(
    userId: string,
    dataKey: Buffer,
    state: MfaState,
    enabled: boolean,
    lastStep?: number | null,
  ) {
    const sealed =
      state.secret === null && state.pending === null
        ? null
        : sealJson(dataKey, state, mfaAd(userId));
    await repo.saveMfaState(this.db, userId, { sealed, enabled, lastStep });
  }

  /** Starts enrolment: a new 160-bit secret, not active until confirmed by a code. */
  async setup(userId: string) {
    const user = await this.user(userId);
    if (user.mfa_enabled === 1) {
      throw new AppError(
        409,
        'mfa-already-enabled',
        'Conflict',
        'Two-factor authentication is already on',
      );
    }
    const dataKey = await this.dataKeys.forUser(userId);
    const email = open(
      dataKey,
      user.email_sealed,
      sealedAd('users', 'email', user.id, user.id),
    ).toString('utf8');
    const secret = newTotpSecret();
    await this.save(userId, dataKey, { secret: null, pending: secret }, false);
    const uri = otpauthUri(secret, email);
    return {
      secret,
      otpauthUri: uri,
      qrCode: await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M' }),
    };
  }

  /** Confirms enrolment with the password and a first code; returns the recovery codes, shown this once. */
  async enable(
    userId: string,
    password: string,
    code: string,
    context: AuditContext,
  ): Promise<string[]> {
    // The password too: a stolen access token alone must not be able to put
    // an attacker's authenticator on the account and lock its owner out.
    const check = await this.accounts.checkPassword(await this.user(userId), password, context);
    if (!check.ok) throw unauthorized('The password or code is wrong');
    const user = check.user;
    const dataKey = await this.dataKeys.forUser(userId);
    const state = this.state(user, dataKey);
    if (user.mfa_enabled === 1 || state.pending === null) {
      throw new AppError(409, 'mfa-not-pending', 'Conflict', 'Start with POST /api/auth/mfa/setup');
    }
    const step = matchingStep(state.pending, code);
    if (step === null || !(await repo.claimStep(this.db, userId, step))) {
      throw badRequest('code is wrong or already used', [
        { path: '/body/code', message: 'is wrong' },
      ]);
    }
    await this.save(userId, dataKey, { secret: state.pending, pending: null }, true);
    const codes = await this.newRecoveryCodes(userId, dataKey);
    await recordEvent(this.db, userId, 'mfa_enabled', context);
    return codes;
  }

  private async newRecoveryCodes(userId: string, dataKey: Buffer): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await repo.replaceRecoveryCodes(
      this.db,
      userId,
      codes.map((c) => hashRecoveryCode(dataKey, c)),
    );
    return codes;
  }

  /**
   * Checks a second factor once: a TOTP code newer than the last accepted
   * one, or an unused recovery code (then spent). No counting here.
   */
  private async checkFactor(
    user: UserRow,
    factor: SecondFactor,
    context: AuditContext,
  ): Promise<boolean> {
    const dataKey = await this.dataKeys.forUser(user.id);
    const { secret } = this.state(user, dataKey);
    if (user.mfa_enabled !== 1 || secret === null) return false;
    if (factor.code !== undefined) {
      const step = matchingStep(secret, factor.code);
      return step !== null && (await repo.claimStep(this.db, user.id, step));
    }
    if (factor.recoveryCode !== undefined) {
      const used = await repo.useRecoveryCode(
        this.db,
        user.id,
        hashRecoveryCode(dataKey, factor.recoveryCode),
      );
      if (used) await recordEvent(this.db, user.id, 'recovery_code_used', context);
      return used;
    }
    return false;
  }

  /**
   * One try of a second factor against the lockout. It is counted as a
   * failure BEFORE the check, in the same UPDATE that refuses a locked
   * account, so guesses sent together cannot all get in before the lock; a
   * right factor then resets the count. No transaction: a count sticks.
   */
  private async attempt(
    user: UserRow,
    factor: SecondFactor,
    context: AuditContext,
  ): Promise<boolean> {
    const taken = await takeAttempt(this.db, user.id, this.lockout);
    if (!taken.allowed) return false;

    if (await this.checkFactor(user, factor, context)) {
      await resetFailures(this.db, user.id);
      return true;
    }
    await recordEvent(this.db, user.id, 'mfa_failure', context);
    if (taken.locks) await recordEvent(this.db, user.id, 'lockout', context);
    return false;
  }

  /** The first login step found MFA on: a short-lived, single-use challenge instead of a session. */
  async challenge(userId: string): Promise<string> {
    const id = randomUUID();
    const expiresAt = new Date(Date.now() + CHALLENGE_TTL_SECONDS * 1000).toISOString();
    await repo.insertChallenge(this.db, { id, userId, expiresAt });
    return this.challengeTokens.issue(userId, id, 'mfa');
  }

  /** The second login step: exchanges a challenge and a right factor for a session. */
  async verifyLogin(
    mfaToken: string,
    factor: SecondFactor,
    context: AuditContext,
  ): Promise<IssuedTokens> {
    const claims = this.challengeTokens.check(mfaToken, 'mfa');
    if (!claims) throw unauthorized(INVALID_CODE);
    // The challenge gives up an attempt before the code is looked at, so
    // requests sent together cannot share its last one.
    const open = await repo.takeChallengeAttempt(
      this.db,
      claims.sid,
      claims.sub,
      CHALLENGE_MAX_ATTEMPTS,
    );
    const user = open ? await findUserById(this.db, claims.sub) : undefined;
    if (!user || !(await this.attempt(user, factor, context))) throw unauthorized(INVALID_CODE);

    if (!(await repo.consumeChallenge(this.db, claims.sid))) throw unauthorized(INVALID_CODE);
    return this.accounts.completeLogin(user.id, context);
  }

  /**
   * Recent authentication for sensitive account changes (export, deletion,
   * password change): the password, plus a second factor when MFA is on,
   * sent in the request itself. Wrong answers count toward the lockout.
   */
  async confirmIdentity(
    userId: string,
    password: string,
    factor: SecondFactor,
    context: AuditContext,
  ): Promise<UserRow> {
    const user = await this.user(userId);
    const check = await this.accounts.checkPassword(user, password, context);
    if (!check.ok) throw unauthorized('The password or code is wrong');
    if (check.user.mfa_enabled === 1 && !(await this.attempt(check.user, factor, context))) {
      throw unauthorized('The password or code is wrong');
    }
    return check.user;
  }

  /** Re-authentication for MFA changes: the password and a current second factor. */
  private async reauthenticate(
    userId: string,
    password: string,
    factor: SecondFactor,
    context: AuditContext,
  ) {
    const user = await this.user(userId);
    const check = await this.accounts.checkPassword(user, password, context);
    if (!check.ok || !(await this.attempt(check.user, factor, context))) {
      throw unauthorized('The password or code is wrong');
    }
    return check.user;
  }

  async disable(
    userId: string,
    password: string,
    factor: SecondFactor,
    context: AuditContext,
  ): Promise<void> {
    await this.reauthenticate(userId, password, factor, context);
    await repo.saveMfaState(this.db, userId, { sealed: null, enabled: false, lastStep: null });
    await repo.replaceRecoveryCodes(this.db, userId, []);
    await repo.deleteChallenges(this.db, userId);
    await recordEvent(this.db, userId, 'mfa_disabled', context);
  }

  async regenerateRecoveryCodes(
    userId: string,
    password: string,
    factor: SecondFactor,
    context: AuditContext,
  ): Promise<string[]> {
    await this.reauthenticate(userId, password, factor, context);
    const codes = await this.newRecoveryCodes(userId, await this.dataKeys.forUser(userId));
    await recordEvent(this.db, userId, 'recovery_codes_regenerated', context);
    return codes;
  }
}
