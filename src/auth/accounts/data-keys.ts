/**
 * Opens a user's data key from its wrapped form; the one place that unwraps
 * DEKs, and the one place that keeps unwrapped ones.
 *
 * Every journal request needs the key, and loading and unwrapping it was one
 * query and one AES-GCM open per request. So an unwrapped key is kept in
 * memory for at most {@link KEY_TTL_MS} after it was unwrapped (not after
 * its last use: a busy user's key is still reloaded once a minute), for at
 * most {@link MAX_KEYS} users, and dropped at once when the user logs out or
 * deletes the account.
 *
 * Why a cached key is never stale: a user's data key never changes. Master
 * key rotation re-wraps the same key under another master key, and deletion
 * removes it together with every session, so no request of a deleted user
 * authenticates on any instance, whatever a cache still holds. What the
 * cache costs is exposure: a process memory dump shows the keys of users
 * active in the last minute, where without it it would show those of
 * requests in flight. The master key sits in the same memory all the time.
 *
 * NOTE: a logout or deletion drops the key on the instance that served it;
 * other instances keep theirs until it expires (at most a minute), unable to
 * use it since the sessions are gone. Broadcasting the drop over Redis would
 * close that window; the expiry bounds it meanwhile.
 */
import type { Kysely } from 'kysely';

import { unwrapDataKey } from '../../crypto/data-key.ts';
import type { KeyRing } from '../../crypto/keyring.ts';
import type { PlatformDatabase } from '../../db/types.ts';
import { AppError } from '../../errors.ts';
import { findUserKey } from '../users/users.repository.ts';

/** How long an unwrapped key is kept after it was unwrapped. */
export const KEY_TTL_MS = 60_000;
/** Keys kept at most; the oldest goes first. */
export const MAX_KEYS = 10_000;

interface Kept {
  readonly key: Buffer;
  readonly until: number;
}

export class DataKeys {
  /** In insertion order, which is expiry order: every entry lives for the same time. */
  private readonly kept = new Map<string, Kept>();
  /**
   * Counts {@link forget} calls. A lookup keeps the key it unwrapped only if
   * none came while it waited for the database: otherwise a lookup that read
   * the key just before a logout or deletion would put it back afterwards.
   */
  private forgets = 0;

  constructor(
    private readonly db: Kysely<PlatformDatabase>,
    private readonly ring: KeyRing,
    private readonly ttlMs = KEY_TTL_MS,
    private readonly maxKeys = MAX_KEYS,
  ) {
    // Expired keys of users who went quiet leave memory on time too.
    if (ttlMs > 0) setInterval(() => this.sweep(), ttlMs).unref();
  }

  /**
   * The user's data key. A missing key (a shredded account) or one that will
   * not unwrap is a server-side fault, never an empty answer.
   */
  async forUser(userId: string): Promise<Buffer> {
    this.sweep();
    const kept = this.kept.get(userId);
    if (kept !== undefined && kept.until > performance.now()) return kept.key;
    const forgets = this.forgets;
    const row = await findUserKey(this.db, userId);
    if (!row) throw new AppError(500, 'internal', 'Internal error', 'Data key unavailable');
    const key = unwrapDataKey(this.ring, userId, { keyId: row.key_id, wrapped: row.wrapped_key });
    if (this.ttlMs > 0 && forgets === this.forgets) this.keep(userId, key);
    return key;
  }

  /** Drops the user's unwrapped key from memory (logout, deletion). */
  forget(userId: string): void {
    this.forgets++;
    this.kept.delete(userId);
  }

  /** Whether the user's unwrapped key is in memory; for tests. */
  holds(userId: string): boolean {
    return this.kept.has(userId);
  }

  /** Drops the expired keys, which are all at the front. */
  private sweep(): void {
    const now = performance.now();
    for (const [userId, kept] of this.kept) {
      if (kept.until > now) return;
      this.kept.delete(userId);
    }
  }

  /** Keeps a key from now on; the monotonic clock, so a wall clock stepped back changes nothing. */
  private keep(userId: string, key: Buffer): void {
    this.kept.delete(userId); // re-inserted at the end, keeping expiry order
    if (this.kept.size >= this.maxKeys) {
      // The oldest entry goes first.
      this.kept.delete(this.kept.keys().next().value as string);
    }
    this.kept.set(userId, { key, until: performance.now() + this.ttlMs });
  }
}
