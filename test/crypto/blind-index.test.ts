import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

import { emailIndex, normaliseEmail } from '../../src/crypto/blind-index.ts';
import { KeyRing } from '../../src/crypto/keyring.ts';

const FIXED_KEY = Buffer.from(
  '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
  'hex',
);
const mek = new KeyRing([FIXED_KEY]).current;

test('an email is normalised by trimming, Unicode NFC and lower case', () => {
  assert.equal(normaliseEmail('  Alice@Example.TEST '), 'alice@example.test');
  assert.equal(normaliseEmail('Jos\u0065\u0301@example.test'), 'jos\u00e9@example.test');
});

test('spacing and case variants of one address give the same blind index', () => {
  assert.equal(emailIndex(mek, '  Alice@Example.TEST '), emailIndex(mek, 'alice@example.test'));
  assert.equal(emailIndex(mek, '\tALICE@EXAMPLE.TEST\n'), emailIndex(mek, 'alice@example.test'));
});

test('the NFC and NFD forms of é give the same blind index', () => {
  const nfc = 'ren\u00e9@example.test';
  const nfd = 'rene\u0301@example.test';
  assert.notEqual(nfc, nfd);
  assert.equal(emailIndex(mek, nfd), emailIndex(mek, nfc));
});

test('different addresses give different blind indexes, and an index does not contain the address', () => {
  const a = emailIndex(mek, 'alice@example.test');
  assert.notEqual(a, emailIndex(mek, 'alice2@example.test'));
  assert.notEqual(a, emailIndex(mek, 'bob@example.test'));
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.equal(a.includes(Buffer.from('alice').toString('hex')), false);
});

test('the blind index differs per master key', () => {
  const other = new KeyRing([randomBytes(32)]).current;
  assert.notEqual(emailIndex(other, 'alice@example.test'), emailIndex(mek, 'alice@example.test'));
});

test('the blind index matches an independently computed HKDF-then-HMAC value, so stored indexes stay findable', () => {
  // Computed with the OpenSSL 3 CLI:
  //   openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt hexkey:000102…1e1f \
  //     -kdfopt info:daybook/email-index/v1 HKDF            -> 2c51e808…bcced4
  //   printf 'alice@example.test' | openssl dgst -sha256 -mac HMAC -macopt hexkey:2c51e808…bcced4
  assert.equal(
    emailIndex(mek, '  Alice@Example.TEST '),
    '3120aea3809292a837dbdda7bf4373286345d125e741e41b86c18aefef33b840',
  );
});
