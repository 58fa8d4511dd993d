/**
 * Sealed values: AES-256-GCM with a fresh random 96-bit IV per write.
 *
 * Binary layout (DESIGN.md section 4): `version(1) | iv(12) | ciphertext | tag(16)`.
 * The associated data names where the value lives, so a ciphertext copied to
 * another row, column or user fails to open instead of showing the wrong data.
 * Every failure to open is the same {@link SealedValueError}, with no detail.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const SEALED_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const HEADER_BYTES = 1 + IV_BYTES;

/** The one error for a value that cannot be opened: wrong key, wrong place, tampered or malformed. */
export class SealedValueError extends Error {
  constructor() {
    super('sealed value cannot be opened');
    this.name = 'SealedValueError';
  }
}

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new TypeError('an AES-256 key is 32 bytes');
}

/**
 * Associated data binding a value to its table, column, row and owner. No part
 * may be empty or hold a `/`: otherwise two different places could share one
 * AD (row `a/b` of user `c` and row `a` of user `b/c`), and a value could be
 * moved between them unnoticed.
 */
export function sealedAd(table: string, column: string, rowId: string, userId: string): string {
  for (const part of [table, column, rowId, userId]) {
    if (part === '' || part.includes('/')) {
      throw new TypeError('each part of the associated data must be non-empty and free of "/"');
    }
  }
  return `daybook/v1/${table}/${column}/${rowId}/${userId}`;
}

export function seal(
  key: Buffer,
  plaintext: Buffer,
  ad: string,
  iv: Buffer = randomBytes(IV_BYTES),
): Buffer {
  return sealWithAad(key, plaintext, Buffer.from(ad, 'utf8'), iv);
}

export function open(key: Buffer, sealed: Uint8Array, ad: string): Buffer {
  return openWithAad(key, sealed, Buffer.from(ad, 'utf8'));
}

/**
 * {@link seal} with the associated data as raw bytes. `seal` encodes its
 * string AD as UTF-8 and calls this; it exists on its own so the known-answer
 * test can use published GCM vectors, whose associated data is binary.
 */
export function sealWithAad(
  key: Buffer,
  plaintext: Buffer,
  aad: Uint8Array,
  iv: Buffer = randomBytes(IV_BYTES),
): Buffer {
  assertKey(key);
  if (iv.length !== IV_BYTES) throw new TypeError('a GCM IV is 12 bytes');
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(SEALED_VERSION), iv, ciphertext, cipher.getAuthTag()]);
}

/** {@link open} with the associated data as raw bytes. */
export function openWithAad(key: Buffer, sealed: Uint8Array, aad: Uint8Array): Buffer {
  assertKey(key);
  const value = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (value.length < HEADER_BYTES + TAG_BYTES || value[0] !== SEALED_VERSION) {
    throw new SealedValueError();
  }
  try {
    const iv = value.subarray(1, HEADER_BYTES);
    const tag = value.subarray(value.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const body = value.subarray(HEADER_BYTES, value.length - TAG_BYTES);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new SealedValueError();
  }
}

/** Smallest bucket (256 bytes, then doubling) that holds `length` bytes. */
export function paddedLength(length: number): number {
  let bucket = 256;
  while (bucket < length) bucket *= 2;
  return bucket;
}

/**
 * Seals a JSON value padded with trailing spaces to a size bucket, so the
 * ciphertext length does not show how long a short answer was. JSON ignores
 * trailing white space, so opening needs no padding marker.
 */
export function sealJson(key: Buffer, value: unknown, ad: string): Buffer {
  const json = Buffer.from(JSON.stringify(value), 'utf8');
  const padded = Buffer.alloc(paddedLength(json.length), 0x20);
  json.copy(padded);
  return seal(key, padded, ad);
}

/** Opens a value sealed by {@link sealJson}; malformed JSON is corruption, never plaintext. */
export function openJson(key: Buffer, sealed: Uint8Array, ad: string): unknown {
  const plaintext = open(key, sealed, ad);
  try {
    return JSON.parse(plaintext.toString('utf8')) as unknown;
  } catch {
    throw new SealedValueError();
  }
}
