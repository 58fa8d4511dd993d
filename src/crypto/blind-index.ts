/**
 * The email blind index: HMAC-SHA256 of the normalised address under a key
 * derived from the master key with HKDF, so an email can be looked up without
 * being stored in the clear.
 */
import { createHmac } from 'node:crypto';

import { deriveKey, type MasterKey } from './keyring.ts';

const PURPOSE = 'daybook/email-index/v1';

/** Trimmed, Unicode NFC, lower case: `Alice@Example.test` and `alice@example.test` are one. */
export function normaliseEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

/** Each master key's index key, derived once: every login and signup needs it. */
const indexKeys = new WeakMap<MasterKey, Buffer>();

function indexKey(mek: MasterKey): Buffer {
  let key = indexKeys.get(mek);
  if (key === undefined) {
    key = deriveKey(mek.key, PURPOSE);
    indexKeys.set(mek, key);
  }
  return key;
}

export function emailIndex(mek: MasterKey, email: string): string {
  return createHmac('sha256', indexKey(mek)).update(normaliseEmail(email), 'utf8').digest('hex');
}
