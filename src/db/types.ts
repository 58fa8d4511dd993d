/**
 * Row types of the two databases. Timestamps are ISO 8601 UTC text, dates are
 * `YYYY-MM-DD` text and flags are 0/1 integers, so SQLite and PostgreSQL hold
 * the same values and one query layer serves both.
 */

export interface UsersTable {
  id: string;
  email_index: string;
  /** Key id of the master key the blind index was computed under. */
  email_key_id: string;
  email_sealed: Buffer;
  password_hash: string;
  profile_sealed: Buffer | null;
  failed_attempts: number;
  locked_until: string | null;
  mfa_enabled: number;
  mfa_sealed: Buffer | null;
  mfa_last_step: number | null;
  created_at: string;
  updated_at: string;
}

export interface UserKeysTable {
  user_id: string;
  key_id: string;
  wrapped_key: Buffer;
  created_at: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
  revoked_at: string | null;
  ip: string | null;
  user_agent: string | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  session_id: string;
  created_at: string;
  expires_at: string;
  rotated_at: string | null;
}

export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  code_hash: string;
  used_at: string | null;
}

export interface MfaChallengesTable {
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  failures: number;
}

export interface AuditEventsTable {
  id: string;
  user_id: string | null;
  type: string;
  at: string;
  ip: string | null;
  user_agent: string | null;
}

export interface PendingPurgesTable {
  user_id: string;
  requested_at: string;
}

export interface PlatformDatabase {
  users: UsersTable;
  user_keys: UserKeysTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  recovery_codes: RecoveryCodesTable;
  mfa_challenges: MfaChallengesTable;
  pending_purges: PendingPurgesTable;
  audit_events: AuditEventsTable;
}

/** Columns every sealed vault row has. */
interface VaultRow {
  id: string;
  user_id: string;
  payload: Buffer;
  created_at: string;
  updated_at: string;
}

export interface EntriesTable extends VaultRow {
  entry_date: string;
}

export interface EntryPillarsTable {
  entry_id: string;
  pillar_id: string;
  user_id: string;
}

export interface PillarsTable extends VaultRow {
  position: number;
  archived: number;
}

export interface FeelsTable extends VaultRow {
  feel_date: string;
  kind: 'morning' | 'evening';
}

export interface HabitsTable extends VaultRow {
  position: number;
  archived: number;
}

export interface HabitChecksTable {
  habit_id: string;
  user_id: string;
  check_date: string;
}

export interface MoodsTable extends VaultRow {
  archived: number;
}

export interface MoodLogsTable extends VaultRow {
  mood_id: string;
  logged_at: string;
}

export interface WeeklyRecapsTable extends VaultRow {
  week: string;
}

export interface VaultDatabase {
  entries: EntriesTable;
  entry_pillars: EntryPillarsTable;
  pillars: PillarsTable;
  feels: FeelsTable;
  habits: HabitsTable;
  habit_checks: HabitChecksTable;
  moods: MoodsTable;
  mood_logs: MoodLogsTable;
  weekly_recaps: WeeklyRecapsTable;
}
