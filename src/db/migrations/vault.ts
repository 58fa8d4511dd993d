/**
 * Vault database migrations: only ciphertext (`payload`) plus the plain columns
 * that queries need: ids, owner, dates, kind, order, flags and timestamps.
 */
import type { CreateTableBuilder, Kysely, Migration } from 'kysely';

import type { Dialect } from '../connect.ts';
import { binary } from './column-types.ts';

export function vaultMigrations(dialect: Dialect): Record<string, Migration> {
  const bytes = binary(dialect);

  /** The columns every sealed row shares. */
  function sealedRow<T extends string>(table: CreateTableBuilder<T, never>) {
    return table
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('payload', bytes, (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull());
  }

  return {
    '0001_journal': {
      async up(db: Kysely<unknown>) {
        await sealedRow(db.schema.createTable('pillars'))
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createIndex('pillars_user')
          .on('pillars')
          .columns(['user_id', 'position'])
          .execute();

        await sealedRow(db.schema.createTable('entries'))
          .addColumn('entry_date', 'text', (c) => c.notNull())
          .addUniqueConstraint('entries_user_date', ['user_id', 'entry_date'])
          .execute();

        await db.schema
          .createTable('entry_pillars')
          .addColumn('entry_id', 'text', (c) =>
            c.notNull().references('entries.id').onDelete('cascade'),
          )
          .addColumn('pillar_id', 'text', (c) =>
            c.notNull().references('pillars.id').onDelete('cascade'),
          )
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('entry_pillars_pk', ['entry_id', 'pillar_id'])
          .execute();
        await db.schema
          .createIndex('entry_pillars_pillar')
          .on('entry_pillars')
          .column('pillar_id')
          .execute();

        await sealedRow(db.schema.createTable('feels'))
          .addColumn('feel_date', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addUniqueConstraint('feels_user_date_kind', ['user_id', 'feel_date', 'kind'])
          .execute();

        await sealedRow(db.schema.createTable('habits'))
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createIndex('habits_user')
          .on('habits')
          .columns(['user_id', 'position'])
          .execute();

        await db.schema
          .createTable('habit_checks')
          .addColumn('habit_id', 'text', (c) =>
            c.notNull().references('habits.id').onDelete('cascade'),
          )
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('check_date', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('habit_checks_pk', ['habit_id', 'check_date'])
          .execute();
        await db.schema
          .createIndex('habit_checks_user_date')
          .on('habit_checks')
          .columns(['user_id', 'check_date'])
          .execute();

        await sealedRow(db.schema.createTable('moods'))
          .addColumn('archived', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.createIndex('moods_user').on('moods').column('user_id').execute();

        await sealedRow(db.schema.createTable('mood_logs'))
          .addColumn('mood_id', 'text', (c) => c.notNull())
          .addColumn('logged_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('mood_logs_user_at')
          .on('mood_logs')
          .columns(['user_id', 'logged_at'])
          .execute();

        await sealedRow(db.schema.createTable('weekly_recaps'))
          .addColumn('week', 'text', (c) => c.notNull())
          .addUniqueConstraint('weekly_recaps_user_week', ['user_id', 'week'])
          .execute();
      },
    },
  };
}
