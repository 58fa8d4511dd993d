/**
 * Recovery codes: ten single-use codes of 80 random bits each, shown once.
 * Only a keyed hash is stored, under a key derived from the user's data key,
 * so the stored hashes die with the account's key (crypto-shredding) and a
 * stolen database alone cannot test guesses.
 */
import { createHmac, randomBytes } from 'node:crypto';

import { deriveKey } from '../../crypto/keyring.ts';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i

/** A code such as `k7qm-x2ta-9fhe-r4wp`: 16 characters of a 31-letter alphabet (> 79 bits). */
export function newRecoveryCode(): string {
  const bytes = randomBytes(32);
  let code = '';
  for (const byte of bytes) {
    // Rejection sampling keeps every letter equally likely.
    if (byte >= 248) continue;
    code += ALPHABET[byte % ALPHABET.length];
    if (code.length === 16) break;
  }
  if (code.length < 16) return newRecoveryCode();
  return code.match(/.{4}/g)!.join('-');
}

/** Case, spaces and dashes as typed do not matter. */
export function normaliseRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

export function hashRecoveryCode(dataKey: Buffer, code: string): string {
  return createHmac('sha256', deriveKey(dataKey, 'daybook/recovery-code/v1'))
    .update(normaliseRecoveryCode(code), 'utf8')
    .digest('hex');
}
