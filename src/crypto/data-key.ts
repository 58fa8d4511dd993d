/**
 * Per-user data keys (DEK): 32 random bytes made at signup, stored only wrapped
 * under a master key. The associated data names the user and the key id, so a
 * wrapped key cannot be moved to another user or claimed by another master key.
 */
import { randomBytes } from 'node:crypto';

import type { KeyRing, MasterKey } from './keyring.ts';
import { open, seal, SealedValueError } from './sealed.ts';

export interface WrappedDataKey {
  readonly keyId: string;
  readonly wrapped: Buffer;
}

function wrapAd(userId: string, keyId: string): string {
  return `daybook/v1/user_keys/data_key/${userId}/${keyId}`;
}

export function generateDataKey(): Buffer {
  return randomBytes(32);
}

export function wrapDataKey(mek: MasterKey, userId: string, dataKey: Buffer): WrappedDataKey {
  return { keyId: mek.id, wrapped: seal(mek.key, dataKey, wrapAd(userId, mek.id)) };
}

export function unwrapDataKey(ring: KeyRing, userId: string, stored: WrappedDataKey): Buffer {
  const mek = ring.get(stored.keyId);
  if (mek === undefined) throw new SealedValueError();
  return open(mek.key, stored.wrapped, wrapAd(userId, stored.keyId));
}
