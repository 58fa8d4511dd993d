/** Parsing of the master key text; kept apart so the CLI and the config share it. */

export type MasterKeyProblem = 'missing' | 'length' | 'hex' | 'weak';

/** A master key is exactly 64 hex characters: 256 bits (DESIGN.md section 4). */
export function parseMasterKey(value: string | undefined): Buffer | MasterKeyProblem {
  if (value === undefined || value === '') return 'missing';
  if (!/^[0-9a-fA-F]*$/.test(value)) return 'hex';
  if (value.length !== 64) return 'length';
  const key = Buffer.from(value, 'hex');
  if (key.every((b) => b === key[0])) return 'weak';
  return key;
}
