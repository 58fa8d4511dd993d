/**
 * Known-answer tests: the sealed-value format against AES-256-GCM results that
 * were computed outside this code base, so a wrong cipher, mode, IV handling,
 * AAD handling or byte order cannot pass by agreeing with itself.
 *
 * Test cases 13-16 are the AES-256 vectors of McGrew and Viega, "The
 * Galois/Counter Mode of Operation (GCM)", revised January 2005, Appendix B
 * (the test cases NIST's GCM validation reproduces); the hex below is copied
 * from the published vectors, not computed here.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { open, openWithAad, seal, sealWithAad, SealedValueError } from '../../src/crypto/sealed.ts';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

/** `version(1) | iv(12) | ciphertext | tag(16)` with version 1 (DESIGN.md section 4). */
const sealedForm = (iv: string, ct: string, tag: string): string => `01${iv}${ct}${tag}`;

// Key, IV and plaintext shared by test cases 15 and 16.
const K = 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308';
const IV = 'cafebabefacedbaddecaf888';
const P60 =
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
  '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39';
const C60 =
  '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
  '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662';

describe('AES-256-GCM known answers (McGrew/Viega GCM spec, Appendix B)', () => {
  test('test case 13: an empty plaintext under a zero key seals to 01|IV|tag 530f8afb…', () => {
    const key = Buffer.alloc(32);
    const iv = Buffer.alloc(12);
    const sealed = seal(key, Buffer.alloc(0), '', iv);
    assert.equal(
      sealed.toString('hex'),
      sealedForm('000000000000000000000000', '', '530f8afbc74536b9a963b4f1c4cb738b'),
    );
    assert.equal(open(key, sealed, '').length, 0);
  });

  test('test case 14: one zero block under a zero key seals to 01|IV|cea7403d…|d0d1c8a7…', () => {
    const key = Buffer.alloc(32);
    const sealed = seal(key, Buffer.alloc(16), '', Buffer.alloc(12));
    assert.equal(
      sealed.toString('hex'),
      sealedForm(
        '000000000000000000000000',
        'cea7403d4d606b6e074ec5d3baf39d18',
        'd0d1c8a799996bf0265b98b5d48ab919',
      ),
    );
  });

  test('test case 15: seal(key, 64-byte plaintext, no AD, iv) gives the published ciphertext and tag', () => {
    const plaintext = hex(`${P60}1aafd255`);
    const sealed = seal(hex(K), plaintext, '', hex(IV));
    assert.equal(
      sealed.toString('hex'),
      sealedForm(IV, `${C60}898015ad`, 'b094dac5d93471bdec1a502270e3cc6c'),
    );
    assert.deepEqual(open(hex(K), sealed, ''), plaintext);
  });

  test('test case 16: a partial final block with 20 bytes of binary AAD gives the published ciphertext and tag', () => {
    const aad = hex('feedfacedeadbeeffeedfacedeadbeefabaddad2');
    const sealed = sealWithAad(hex(K), hex(P60), aad, hex(IV));
    assert.equal(sealed.toString('hex'), sealedForm(IV, C60, '76fc6ece0f4e1768cddf8853bb2d551b'));
    assert.deepEqual(openWithAad(hex(K), sealed, aad), hex(P60));
    // The same bytes under any other AAD (here: none) do not open.
    assert.throws(() => openWithAad(hex(K), sealed, Buffer.alloc(0)), SealedValueError);
  });
});

test('seal encodes a Daybook associated-data string as UTF-8: matches a vector computed with Python cryptography', () => {
  // Computed once, independently of node:crypto, with pyca/cryptography 48:
  //   AESGCM(bytes.fromhex(KEY)).encrypt(bytes.fromhex(IV), PLAINTEXT, AD)
  const key = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
  const iv = hex('f0f1f2f3f4f5f6f7f8f9fafb');
  const ad = 'daybook/v1/entries/payload/0f8e9d3c-entry/4b2a1c7d-user';
  const plaintext = Buffer.from('{"note":"a quiet morning"}', 'utf8');
  const expected =
    '12242d6f085ff04ebd96d7ebfb2307c2308c36b0566e21ff742b' + // ciphertext (26 bytes)
    'c8a39cb6c2cd7d813d98c829b4fddc7c'; // tag
  const sealed = seal(key, plaintext, ad, iv);
  assert.equal(sealed.toString('hex'), `01${iv.toString('hex')}${expected}`);
  assert.equal(open(key, sealed, ad).toString('utf8'), '{"note":"a quiet morning"}');
});
