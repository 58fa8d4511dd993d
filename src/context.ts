/** What every part of the application is built from; made once per process (or per test). */
import type { Redis } from 'ioredis';

import type { Config } from './config/config.ts';
import type { KeyRing } from './crypto/keyring.ts';
import type { Database } from './db/connect.ts';
import type { PlatformDatabase, VaultDatabase } from './db/types.ts';

export interface AppDeps {
  readonly config: Config;
  readonly platform: Database<PlatformDatabase>;
  readonly vault: Database<VaultDatabase>;
  readonly keyRing: KeyRing;
  /** Shared limiter state; absent when REDIS_URL is not set. */
  readonly redis?: Redis;
}
