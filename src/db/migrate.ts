/** Runs the migrations of both databases; written once for SQLite and PostgreSQL. */
import { Migrator, type Kysely, type Migration, type MigrationResult } from 'kysely';

import type { Database } from './connect.ts';
import { platformMigrations } from './migrations/platform.ts';
import { vaultMigrations } from './migrations/vault.ts';
import type { PlatformDatabase, VaultDatabase } from './types.ts';

export class MigrationError extends Error {
  constructor(database: string, failed: string | undefined, cause: unknown) {
    super(`migration of the ${database} database failed${failed ? ` at ${failed}` : ''}`, {
      cause,
    });
    this.name = 'MigrationError';
  }
}

async function run(
  name: string,
  db: Kysely<unknown>,
  migrations: Record<string, Migration>,
): Promise<readonly MigrationResult[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    // Distinct tables, so both databases may share one PostgreSQL database.
    migrationTableName: `${name}_migrations`,
    migrationLockTableName: `${name}_migrations_lock`,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    throw new MigrationError(name, failed, error);
  }
  return results;
}

export async function migrateAll(
  platform: Database<PlatformDatabase>,
  vault: Database<VaultDatabase>,
): Promise<string[]> {
  const done = [
    ...(await run(
      'platform',
      platform.db as Kysely<unknown>,
      platformMigrations(platform.dialect),
    )),
    ...(await run('vault', vault.db as Kysely<unknown>, vaultMigrations(vault.dialect))),
  ];
  return done.map((r) => r.migrationName);
}
