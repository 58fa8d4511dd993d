/** Builds the domain services from the process dependencies; no Fastify here. */
import { DataTransfer } from './account/data-transfer.ts';
import { AccountService } from './auth/accounts/accounts.service.ts';
import { DataKeys } from './auth/accounts/data-keys.ts';
import { AccountDeletion } from './auth/accounts/deletion.ts';
import { CHALLENGE_TTL_SECONDS, MfaService } from './auth/mfa/mfa.service.ts';
import { PasswordHasher } from './auth/passwords/hasher.ts';
import { SessionService } from './auth/sessions/sessions.service.ts';
import { TokenService } from './auth/tokens/access-token.ts';
import { recordEvent, type AuditContext, type AuditType } from './auth/audit/audit.repository.ts';
import type { AppDeps } from './context.ts';
import { createJournal, type Journal } from './journal/journal.ts';

export interface Services {
  readonly hasher: PasswordHasher;
  readonly tokens: TokenService;
  readonly sessions: SessionService;
  readonly dataKeys: DataKeys;
  readonly accounts: AccountService;
  readonly mfa: MfaService;
  /** Records a security event for the account's trail. */
  readonly audit: (userId: string, type: AuditType, context: AuditContext) => Promise<void>;
  /** Entries, pillars, feels, habits, moods and weekly recaps, sealed under each user's data key. */
  readonly journal: Journal;
  readonly deletion: AccountDeletion;
  /** Export and import of everything a user wrote (docs/export-format.md). */
  readonly transfer: DataTransfer;
}

export function createServices(deps: AppDeps): Services {
  const { config } = deps;
  const platform = deps.platform.db;
  const hasher = new PasswordHasher(config.argon2, config.hashConcurrency, config.hashQueue);
  const tokens = new TokenService(config.jwtSecret, config.accessTokenTtlSeconds);
  const sessions = new SessionService(platform, tokens, config.refreshTokenTtlSeconds);
  const dataKeys = new DataKeys(platform, deps.keyRing);
  const accounts = new AccountService(
    platform,
    deps.keyRing,
    hasher,
    sessions,
    dataKeys,
    config.lockout,
  );
  const challengeTokens = new TokenService(config.jwtSecret, CHALLENGE_TTL_SECONDS);
  const mfa = new MfaService(platform, dataKeys, accounts, challengeTokens, config.lockout);
  const audit = (userId: string, type: AuditType, context: AuditContext) =>
    recordEvent(platform, userId, type, context);
  const journal = createJournal({
    db: deps.vault.db,
    keyFor: (userId) => dataKeys.forUser(userId),
    timeZoneOf: async (userId) => (await accounts.profile(userId)).timeZone,
  });
  const deletion = new AccountDeletion(deps.platform, deps.vault.db, config.purgeBatchSize, (id) =>
    dataKeys.forget(id),
  );
  const transfer = new DataTransfer({
    vault: deps.vault.db,
    journal,
    keyFor: (userId) => dataKeys.forUser(userId),
    accounts,
    mfa,
    audit,
  });
  return { hasher, tokens, sessions, dataKeys, accounts, mfa, audit, journal, deletion, transfer };
}
