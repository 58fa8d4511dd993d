/**
 * The master key ring: the current master key (MEK) and any previous ones kept
 * during rotation. Each key is known by a short key id, an HMAC of a fixed
 * label under that key, so stored data can say which key wrapped it without
 * revealing anything about the key.
 */
import { createHmac, hkdfSync } from 'node:crypto';

export interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
}

const KEY_ID_LABEL = 'daybook/key-id/v1';

export function masterKeyId(key: Buffer): string {
  return createHmac('sha256', key).update(KEY_ID_LABEL).digest('hex').slice(0, 16);
}

/** Derives a purpose-bound sub-key with HKDF-SHA256 (never a bare hash of the key). */
export function deriveKey(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), purpose, 32));
}

export class KeyRing {
  readonly current: MasterKey;
  private readonly byId: ReadonlyMap<string, MasterKey>;

  /** @param keys raw 32-byte keys, the current one first. */
  constructor(keys: readonly Buffer[]) {
    const ring = keys.map((key) => {
      if (key.length !== 32) throw new TypeError('a master key is 32 bytes');
      return { id: masterKeyId(key), key: Buffer.from(key) };
    });
    const first = ring[0];
    if (first === undefined) throw new TypeError('the key ring needs a current master key');
    this.current = first;
    this.byId = new Map(ring.map((k) => [k.id, k]));
  }

  get(id: string): MasterKey | undefined {
    return this.byId.get(id);
  }

  /** Every key, current first: used to find data still under an older key. */
  all(): MasterKey[] {
    return [...this.byId.values()];
  }
}
