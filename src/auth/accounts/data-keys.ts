/** Opens a user's data key from its wrapped form; the one place that unwraps DEKs. */
import type { Kysely } from 'kysely';

import { unwrapDataKey } from '../../crypto/data-key.ts';
import type { KeyRing } from '../../crypto/keyring.ts';
import type { PlatformDatabase } from '../../db/types.ts';
import { AppError } from '../../errors.ts';
import { findUserKey } from '../users/users.repository.ts';

export class DataKeys {
  constructor(
    private readonly db: Kysely<PlatformDatabase>,
    private readonly ring: KeyRing,
  ) {}

  /**
   * The user's data key. A missing key (a shredded account) or one that will
   * not unwrap is a server-side fault, never an empty answer.
   */
  async forUser(userId: string): Promise<Buffer> {
    const row = await findUserKey(this.db, userId);
    if (!row) throw new AppError(500, 'internal', 'Internal error', 'Data key unavailable');
    return unwrapDataKey(this.ring, userId, { keyId: row.key_id, wrapped: row.wrapped_key });
  }
}
