/** Platform database migrations: accounts, keys, sessions, MFA state, audit trail. */
import type { Kysely, Migration } from 'kysely';

import type { Dialect } from '../connect.ts';
import { binary } from './column-types.ts';

export function platformMigrations(dialect: Dialect): Record<string, Migration> {
  const bytes = binary(dialect);
  return {
    '0001_accounts': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('email_index', 'text', (c) => c.notNull().unique())
          .addColumn('email_key_id', 'text', (c) => c.notNull())
          .addColumn('email_sealed', bytes, (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('profile_sealed', bytes)
          .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('locked_until', 'text')
          .addColumn('mfa_enabled', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('mfa_sealed', bytes)
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('user_keys')
          .addColumn('user_id', 'text', (c) =>
            c.primaryKey().references('users.id').onDelete('cascade'),
          )
          .addColumn('key_id', 'text', (c) => c.notNull())
          .addColumn('wrapped_key', bytes, (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('user_keys_key_id').on('user_keys').column('key_id').execute();

        await db.schema
          .createTable('sessions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) =>
            c.notNull().references('users.id').onDelete('cascade'),
          )
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_used_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('revoked_at', 'text')
          .addColumn('ip', 'text')
          .addColumn('user_agent', 'text')
          .execute();
        await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

        await db.schema
          .createTable('refresh_tokens')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('session_id', 'text', (c) =>
            c.notNull().references('sessions.id').onDelete('cascade'),
          )
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('rotated_at', 'text')
          .execute();
        await db.schema
          .createIndex('refresh_tokens_session')
          .on('refresh_tokens')
          .column('session_id')
          .execute();

        await db.schema
          .createTable('recovery_codes')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) =>
            c.notNull().references('users.id').onDelete('cascade'),
          )
          .addColumn('code_hash', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .execute();
        await db.schema
          .createIndex('recovery_codes_user')
          .on('recovery_codes')
          .column('user_id')
          .execute();

        // No foreign key: the trail of a deleted account may outlive it briefly.
        await db.schema
          .createTable('audit_events')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text')
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('ip', 'text')
          .addColumn('user_agent', 'text')
          .execute();
        await db.schema
          .createIndex('audit_events_user_at')
          .on('audit_events')
          .columns(['user_id', 'at'])
          .execute();
      },
    },
    '0002_mfa': {
      async up(db: Kysely<unknown>) {
        // The last accepted TOTP time step: a plain integer so that "newer than
        // the last one" is one atomic conditional UPDATE (replay protection).
        await db.schema.alterTable('users').addColumn('mfa_last_step', 'integer').execute();

        await db.schema
          .createTable('mfa_challenges')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) =>
            c.notNull().references('users.id').onDelete('cascade'),
          )
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createIndex('mfa_challenges_user')
          .on('mfa_challenges')
          .column('user_id')
          .execute();
      },
    },
    '0003_pending_purges': {
      async up(db: Kysely<unknown>) {
        // Accounts whose data key is gone but whose vault rows may remain; a
        // later start finishes what an interrupted deletion left.
        await db.schema
          .createTable('pending_purges')
          .addColumn('user_id', 'text', (c) => c.primaryKey())
          .addColumn('requested_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
  };
}
