import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

import {
  generateDataKey,
  unwrapDataKey,
  wrapDataKey,
  type WrappedDataKey,
} from '../../src/crypto/data-key.ts';
import { deriveKey, KeyRing, masterKeyId } from '../../src/crypto/keyring.ts';
import { SealedValueError } from '../../src/crypto/sealed.ts';

const FIXED_KEY = Buffer.from(
  '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
  'hex',
);

test('a key id is stable: the same key always gets the same id, pinned to an independently computed value', () => {
  // Key ids are stored beside wrapped keys, so they must never change between releases.
  // Expected: the first 16 hex digits of
  //   printf 'daybook/key-id/v1' | openssl dgst -sha256 -mac HMAC -macopt hexkey:000102…1e1f
  assert.equal(masterKeyId(FIXED_KEY), 'f2fa86bc117abcb0');
  assert.equal(new KeyRing([Buffer.from(FIXED_KEY)]).current.id, 'f2fa86bc117abcb0');
  const key = randomBytes(32);
  assert.equal(masterKeyId(key), masterKeyId(Buffer.from(key)));
});

test('different master keys get different key ids, and an id reveals nothing of the key', () => {
  const ids = new Set(Array.from({ length: 50 }, () => masterKeyId(randomBytes(32))));
  assert.equal(ids.size, 50);
  assert.equal(FIXED_KEY.toString('hex').includes(masterKeyId(FIXED_KEY)), false);
});

test('the key ring holds the current key first, finds every key by id and refuses malformed keys', () => {
  const current = randomBytes(32);
  const previous = randomBytes(32);
  const ring = new KeyRing([current, previous]);
  assert.deepEqual(ring.current.key, current);
  assert.deepEqual(ring.get(masterKeyId(previous))?.key, previous);
  assert.equal(ring.get('0000000000000000'), undefined);
  assert.deepEqual(
    ring.all().map((k) => k.id),
    [masterKeyId(current), masterKeyId(previous)],
  );
  assert.throws(() => new KeyRing([]), TypeError);
  assert.throws(() => new KeyRing([randomBytes(16)]), TypeError);
});

test('sub-keys derived with HKDF differ per purpose and per master key, and are not the master key', () => {
  const a = deriveKey(FIXED_KEY, 'purpose-a');
  assert.equal(a.length, 32);
  assert.notDeepEqual(a, FIXED_KEY);
  assert.notDeepEqual(a, deriveKey(FIXED_KEY, 'purpose-b'));
  assert.notDeepEqual(a, deriveKey(randomBytes(32), 'purpose-a'));
  assert.deepEqual(a, deriveKey(Buffer.from(FIXED_KEY), 'purpose-a'));
});

test('a data key is 32 random bytes, fresh each time', () => {
  const a = generateDataKey();
  assert.equal(a.length, 32);
  assert.notDeepEqual(a, generateDataKey());
});

test('a wrapped data key unwraps to the same key for the same user under the same key ring', () => {
  const ring = new KeyRing([randomBytes(32)]);
  const dek = generateDataKey();
  const stored = wrapDataKey(ring.current, 'user-1', dek);
  assert.equal(stored.keyId, ring.current.id);
  assert.equal(stored.wrapped.includes(dek), false, 'the data key is not stored in the clear');
  assert.deepEqual(unwrapDataKey(ring, 'user-1', stored), dek);
});

test('a data key wrapped for one user fails to unwrap for another user id', () => {
  const ring = new KeyRing([randomBytes(32)]);
  const stored = wrapDataKey(ring.current, 'user-1', generateDataKey());
  assert.throws(() => unwrapDataKey(ring, 'user-2', stored), SealedValueError);
});

test('a data key fails to unwrap with another master key ring, even when the key id is forged to match', () => {
  const ring = new KeyRing([randomBytes(32)]);
  const other = new KeyRing([randomBytes(32)]);
  const stored = wrapDataKey(ring.current, 'user-1', generateDataKey());
  assert.throws(() => unwrapDataKey(other, 'user-1', stored), SealedValueError);
  const forged: WrappedDataKey = { keyId: other.current.id, wrapped: stored.wrapped };
  assert.throws(() => unwrapDataKey(other, 'user-1', forged), SealedValueError);
});

test('a data key wrapped under a previous master key still unwraps while that key is in the ring, and names it', () => {
  const oldKey = randomBytes(32);
  const dek = generateDataKey();
  const stored = wrapDataKey(new KeyRing([oldKey]).current, 'user-1', dek);
  const rotated = new KeyRing([randomBytes(32), oldKey]);
  assert.deepEqual(unwrapDataKey(rotated, 'user-1', stored), dek);
  // Claiming the new key wrapped it fails: the key id is bound into the associated data.
  const relabelled: WrappedDataKey = { keyId: rotated.current.id, wrapped: stored.wrapped };
  assert.throws(() => unwrapDataKey(rotated, 'user-1', relabelled), SealedValueError);
  // Once the old key leaves the ring the data key is gone (crypto-shredding by key removal).
  assert.throws(
    () => unwrapDataKey(new KeyRing([rotated.current.key]), 'user-1', stored),
    SealedValueError,
  );
});
