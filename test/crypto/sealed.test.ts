import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

import {
  open,
  openJson,
  paddedLength,
  seal,
  sealedAd,
  SealedValueError,
  sealJson,
  SEALED_VERSION,
} from '../../src/crypto/sealed.ts';

const key = randomBytes(32);
const ad = sealedAd('entries', 'payload', 'row-1', 'user-1');
const plaintext = Buffer.from('Today I walked by the river and felt calm.', 'utf8');

test('a sealed value opens to the same plaintext under the same key and associated data', () => {
  const sealed = seal(key, plaintext, ad);
  assert.deepEqual(open(key, sealed, ad), plaintext);
  // A Uint8Array view (as a database driver may return) opens too.
  assert.deepEqual(open(key, new Uint8Array(sealed), ad), plaintext);
});

test('a sealed value is laid out as version(1) | iv(12) | ciphertext | tag(16) and hides the plaintext', () => {
  const sealed = seal(key, plaintext, ad);
  assert.equal(sealed[0], SEALED_VERSION);
  assert.equal(sealed.length, 1 + 12 + plaintext.length + 16);
  assert.equal(sealed.includes(plaintext), false);
  assert.equal(sealed.includes(Buffer.from('river')), false);
});

test('flipping any single bit anywhere in a sealed value makes it fail to open', () => {
  const sealed = seal(key, plaintext, ad);
  let checked = 0;
  for (let byte = 0; byte < sealed.length; byte++) {
    for (let bit = 0; bit < 8; bit++) {
      const tampered = Buffer.from(sealed);
      tampered[byte] = tampered[byte]! ^ (1 << bit);
      assert.throws(
        () => open(key, tampered, ad),
        SealedValueError,
        `bit ${bit} of byte ${byte} was flipped and the value still opened`,
      );
      checked++;
    }
  }
  assert.equal(checked, sealed.length * 8);
});

test('a value opened under the associated data of another table, column, row or user fails', () => {
  const sealed = seal(key, plaintext, sealedAd('entries', 'payload', 'row-1', 'user-1'));
  const elsewhere = [
    sealedAd('feels', 'payload', 'row-1', 'user-1'),
    sealedAd('entries', 'notes', 'row-1', 'user-1'),
    sealedAd('entries', 'payload', 'row-2', 'user-1'),
    sealedAd('entries', 'payload', 'row-1', 'user-2'),
  ];
  for (const other of elsewhere) {
    assert.throws(() => open(key, sealed, other), SealedValueError, other);
  }
  assert.deepEqual(open(key, sealed, sealedAd('entries', 'payload', 'row-1', 'user-1')), plaintext);
});

test('associated-data parts that are empty or contain "/" are refused, so two places can never share one AD', () => {
  // Without the check, row "a/b" of user "c" and row "a" of user "b/c" would share an AD.
  assert.throws(() => sealedAd('entries', 'payload', 'a/b', 'c'), TypeError);
  assert.throws(() => sealedAd('entries', 'payload', 'a', 'b/c'), TypeError);
  assert.throws(() => sealedAd('entries/x', 'payload', 'a', 'b'), TypeError);
  assert.throws(() => sealedAd('entries', '', 'a', 'b'), TypeError);
  assert.throws(() => sealedAd('entries', 'payload', '', 'b'), TypeError);
  assert.equal(sealedAd('entries', 'payload', 'r', 'u'), 'daybook/v1/entries/payload/r/u');
});

test('a value sealed under one key fails to open under another key', () => {
  const sealed = seal(key, plaintext, ad);
  assert.throws(() => open(randomBytes(32), sealed, ad), SealedValueError);
});

test('two seals of the same plaintext under the same key and AD differ (fresh IV each time)', () => {
  const a = seal(key, plaintext, ad);
  const b = seal(key, plaintext, ad);
  assert.notDeepEqual(a, b);
  assert.notDeepEqual(a.subarray(1, 13), b.subarray(1, 13), 'the IVs differ');
  assert.notDeepEqual(a.subarray(13), b.subarray(13), 'the ciphertexts and tags differ');
});

test('a truncated value fails to open, whatever its length', () => {
  const sealed = seal(key, plaintext, ad);
  for (let length = 0; length < sealed.length; length++) {
    assert.throws(() => open(key, sealed.subarray(0, length), ad), SealedValueError, `${length}`);
  }
});

test('a value with bytes appended fails to open', () => {
  const sealed = seal(key, plaintext, ad);
  assert.throws(() => open(key, Buffer.concat([sealed, Buffer.of(0)]), ad), SealedValueError);
});

test('a value with any version byte other than 1 fails to open, even with a valid body and tag', () => {
  const sealed = seal(key, plaintext, ad);
  for (const version of [0, 2, 0x7f, 0xff]) {
    const other = Buffer.from(sealed);
    other[0] = version;
    assert.throws(() => open(key, other, ad), SealedValueError, `version ${version}`);
  }
});

test('plain text or empty input stored where a sealed value belongs fails closed, never read as plaintext', () => {
  for (const junk of ['', 'hello', 'x'.repeat(64), '{"note":"plain"}']) {
    assert.throws(() => open(key, Buffer.from(junk), ad), SealedValueError, junk);
    assert.throws(() => openJson(key, Buffer.from(junk), ad), SealedValueError, junk);
  }
});

test('seal and open refuse a key that is not 32 bytes', () => {
  assert.throws(() => seal(randomBytes(16), plaintext, ad), TypeError);
  assert.throws(() => open(randomBytes(31), seal(key, plaintext, ad), ad), TypeError);
});

test('sealJson pads to size buckets: a 3-character and a 100-character answer give the same length', () => {
  const short = sealJson(key, { mood: 'sad' }, ad);
  const long = sealJson(key, { mood: 'x'.repeat(100) }, ad);
  assert.equal(short.length, long.length);
  assert.equal(short.length, 1 + 12 + 256 + 16);
  // Past the first bucket the size doubles.
  const longer = sealJson(key, { mood: 'x'.repeat(300) }, ad);
  assert.equal(longer.length, 1 + 12 + 512 + 16);
});

test('sealJson round-trips a JSON value through openJson, including text that ends in spaces', () => {
  const value = { mood: 'ecstatic', note: 'trailing   ', tags: ['a', 'b'], score: 7, done: true };
  assert.deepEqual(openJson(key, sealJson(key, value, ad), ad), value);
  assert.deepEqual(openJson(key, sealJson(key, 'é🙂', ad), ad), 'é🙂');
});

test('paddedLength is the smallest bucket of 256 bytes doubling that holds the length', () => {
  assert.equal(paddedLength(0), 256);
  assert.equal(paddedLength(256), 256);
  assert.equal(paddedLength(257), 512);
  assert.equal(paddedLength(1024), 1024);
  assert.equal(paddedLength(1025), 2048);
});

test('a sealed value whose plaintext is not JSON fails to open as JSON with SealedValueError', () => {
  const sealed = seal(key, Buffer.from('not json {', 'utf8'), ad);
  assert.throws(() => openJson(key, sealed, ad), SealedValueError);
});

test('the error for a value that cannot be opened says nothing about why', () => {
  const sealed = seal(key, plaintext, ad);
  const messages = new Set<string>();
  const attempts = [
    () => open(randomBytes(32), sealed, ad),
    () => open(key, sealed, sealedAd('entries', 'payload', 'row-9', 'user-1')),
    () => open(key, sealed.subarray(0, 10), ad),
    () => open(key, Buffer.concat([Buffer.of(9), sealed.subarray(1)]), ad),
  ];
  for (const attempt of attempts) {
    try {
      attempt();
      assert.fail('opened');
    } catch (err) {
      assert.ok(err instanceof SealedValueError);
      messages.add(err.message);
    }
  }
  assert.deepEqual([...messages], ['sealed value cannot be opened']);
});
