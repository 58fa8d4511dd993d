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

export function emailIndex(mek: MasterKey, email: string): string {
  return createHmac('sha256', deriveKey(mek.key, PURPOSE))
    .update(normaliseEmail(email), 'utf8')
    .digest('hex');
}
