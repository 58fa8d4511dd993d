/**
 * Taking your data out and bringing it back (docs/export-format.md).
 *
 * Export shows everything a person wrote, so it asks for recent
 * authentication: the password, and a second factor when MFA is on, in the
 * request itself. Import only adds to the signed-in account (into an empty
 * one, or merged by date without changing what is there), so like any other
 * journal write it needs a signed-in user and nothing more.
 */
import type { AccountService } from '../auth/accounts/accounts.service.ts';
import type { AuditContext, AuditType } from '../auth/audit/audit.repository.ts';
import type { MfaService, SecondFactor } from '../auth/mfa/mfa.service.ts';
import type { ExportDocument, ExportProfile } from '../journal/transfer/document.ts';
import { exportDocument } from '../journal/transfer/export.ts';
import { importDocument, type ImportMode, type ImportResult } from '../journal/transfer/import.ts';
import type { Journal } from '../journal/journal.ts';
import { now, Sealer, type VaultDb } from '../journal/vault.ts';

export interface DataTransferDeps {
  readonly vault: VaultDb;
  readonly journal: Journal;
  /** The user's 32-byte data key. */
  readonly keyFor: (userId: string) => Promise<Buffer>;
  readonly accounts: AccountService;
  readonly mfa: MfaService;
  readonly audit: (userId: string, type: AuditType, context: AuditContext) => Promise<void>;
}

export class DataTransfer {
  constructor(private readonly deps: DataTransferDeps) {}

  /**
   * Confirms the person, records the export, and answers the document as
   * chunks of JSON text, read from the vault only as they are pulled.
   */
  async export(
    userId: string,
    password: string,
    factor: SecondFactor,
    context: AuditContext,
  ): Promise<AsyncGenerator<string, void, undefined>> {
    const { accounts, mfa, journal, vault, audit } = this.deps;
    await mfa.confirmIdentity(userId, password, factor, context);
    const { email, displayName, timeZone } = await accounts.profile(userId);
    const sealer = new Sealer(userId, await this.deps.keyFor(userId));
    await audit(userId, 'export', context);
    return exportDocument(
      { journal, db: vault, sealer },
      { exportedAt: now(), profile: { email, displayName, timeZone } },
    );
  }

  /**
   * Writes the document into the account, all or nothing, then fills the
   * profile's display name and time zone where the account has none (the
   * profile lives in the other database, so it follows the journal's commit).
   */
  async import(
    userId: string,
    doc: ExportDocument,
    mode: ImportMode,
    context: AuditContext,
  ): Promise<ImportResult> {
    const sealer = new Sealer(userId, await this.deps.keyFor(userId));
    const result = await importDocument(this.deps.vault, sealer, doc, mode);
    if (doc.profile) await this.fillProfile(userId, doc.profile, context);
    await this.deps.audit(userId, 'import', context);
    return result;
  }

  private async fillProfile(
    userId: string,
    given: ExportProfile,
    context: AuditContext,
  ): Promise<void> {
    const current = await this.deps.accounts.profile(userId);
    const changes: { displayName?: string; timeZone?: string } = {};
    if (current.displayName === null && given.displayName !== null) {
      changes.displayName = given.displayName;
    }
    if (current.timeZone === null && given.timeZone !== null) changes.timeZone = given.timeZone;
    if (Object.keys(changes).length === 0) return;
    await this.deps.accounts.updateProfile(userId, changes, context);
  }
}
