/** Parsing of the master key text; kept apart so the CLI and the config share it. */

export type MasterKeyProblem = 'missing' | 'length' | 'hex' | 'weak';

/**
 * True when `bytes` are one short block written again and again ("ab" x 32,
 * "0123456789abcdef" x 4, "changeme" x 6): a placeholder somebody typed, not
 * random bytes. A block up to half the length counts; a random secret
 * repeats itself that way with a chance of about 2^-128 at most.
 */
export function isRepeatedBlock(bytes: Uint8Array): boolean {
  for (let period = 1; period <= bytes.length / 2; period++) {
    let repeats = true;
    for (let i = period; i < bytes.length && repeats; i++) repeats = bytes[i] === bytes[i - period];
    if (repeats) return true;
  }
  return false;
}

/** A master key is exactly 64 hex characters: 256 bits (DESIGN.md section 4). */
export function parseMasterKey(value: string | undefined): Buffer | MasterKeyProblem {
  if (value === undefined || value === '') return 'missing';
  if (!/^[0-9a-fA-F]*$/.test(value)) return 'hex';
  if (value.length !== 64) return 'length';
  const key = Buffer.from(value, 'hex');
  if (isRepeatedBlock(key)) return 'weak';
  return key;
}
