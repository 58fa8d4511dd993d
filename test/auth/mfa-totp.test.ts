/**
 * TOTP against RFC 6238 appendix B and against implementations other than the
 * server's: the reference in test/totp-reference.ts (node:crypto) and, when
 * installed, the `oathtool` command (Debian package oathtool).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

import { TOTP } from 'otpauth';

import { matchingStep, newTotpSecret, otpauthUri } from '../../src/auth/mfa/totp.ts';
import { base32Decode, base32Encode, totpAt } from '../totp-reference.ts';

type Algorithm = 'sha1' | 'sha256' | 'sha512';

/** RFC 6238 appendix B: the seeds are ASCII digits, 20, 32 and 64 bytes long. */
const SEEDS: Record<Algorithm, Buffer> = {
  sha1: Buffer.from('12345678901234567890', 'ascii'),
  sha256: Buffer.from('12345678901234567890123456789012', 'ascii'),
  sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii'),
};

/** RFC 6238 appendix B, table 1: time (s), then the 8-digit TOTP for SHA-1, SHA-256, SHA-512. */
const VECTORS: ReadonlyArray<readonly [number, Record<Algorithm, string>]> = [
  [59, { sha1: '94287082', sha256: '46119246', sha512: '90693936' }],
  [1111111109, { sha1: '07081804', sha256: '68084774', sha512: '25091201' }],
  [1111111111, { sha1: '14050471', sha256: '67062674', sha512: '99943326' }],
  [1234567890, { sha1: '89005924', sha256: '91819424', sha512: '93441116' }],
  [2000000000, { sha1: '69279037', sha256: '90698825', sha512: '38618901' }],
  [20000000000, { sha1: '65353130', sha256: '77737706', sha512: '47863826' }],
];

const ALGORITHMS: readonly Algorithm[] = ['sha1', 'sha256', 'sha512'];

test('the reference implementation reproduces every RFC 6238 appendix B vector', () => {
  for (const [time, expected] of VECTORS) {
    for (const algorithm of ALGORITHMS) {
      const secret = base32Encode(SEEDS[algorithm]);
      assert.equal(
        totpAt(secret, time, 8, algorithm),
        expected[algorithm],
        `${algorithm} at ${time}`,
      );
    }
  }
});

test('base32 in the reference round-trips the RFC seeds', () => {
  assert.equal(base32Encode(SEEDS.sha1), 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  for (const seed of Object.values(SEEDS)) assert.deepEqual(base32Decode(base32Encode(seed)), seed);
});

test('the library the server uses (otpauth) reproduces every RFC 6238 appendix B vector', () => {
  for (const [time, expected] of VECTORS) {
    for (const algorithm of ALGORITHMS) {
      const totp = new TOTP({
        algorithm: algorithm.toUpperCase(),
        digits: 8,
        period: 30,
        secret: base32Encode(SEEDS[algorithm]),
      });
      assert.equal(totp.generate({ timestamp: time * 1000 }), expected[algorithm]);
    }
  }
});

test("the server's code check accepts the six-digit form of every SHA-1 vector at its own step", () => {
  // A 6-digit code is the 8-digit one modulo 10^6 (RFC 4226 section 5.3): its last six digits.
  const secret = base32Encode(SEEDS.sha1);
  for (const [time, expected] of VECTORS) {
    const step = Math.floor(time / 30);
    assert.equal(matchingStep(secret, expected.sha1.slice(-6), time * 1000), step, `at ${time}`);
  }
});

test("the server's code check accepts the reference code one step either side and refuses two", () => {
  for (let round = 0; round < 20; round++) {
    const secret = base32Encode(randomBytes(20));
    // Random instants, including the first and last second of a step.
    const base = 1_700_000_000 + Math.floor(Math.random() * 100_000_000);
    for (const now of [base, base - (base % 30), base - (base % 30) + 29]) {
      const step = Math.floor(now / 30);
      const at = (offset: number) => totpAt(secret, now + offset);
      assert.equal(matchingStep(secret, at(0), now * 1000), step);
      assert.equal(matchingStep(secret, at(-30), now * 1000), step - 1);
      assert.equal(matchingStep(secret, at(30), now * 1000), step + 1);
      // Two steps away is refused, unless by chance it equals a code inside the window.
      const inside = new Set([at(-30), at(0), at(30)]);
      for (const far of [at(-60), at(60), at(-90), at(90)]) {
        if (!inside.has(far)) assert.equal(matchingStep(secret, far, now * 1000), null);
      }
    }
  }
});

test("the server's code check refuses malformed codes", () => {
  const secret = newTotpSecret();
  const now = Date.now();
  const good = totpAt(secret, Math.floor(now / 1000));
  assert.notEqual(matchingStep(secret, good, now), null);
  for (const bad of ['', good.slice(1), `${good}0`, ` ${good}`, '12345a', good.padStart(8, '0')]) {
    assert.equal(matchingStep(secret, bad, now), null, JSON.stringify(bad));
  }
});

test('a new secret carries 160 random bits as 32 base32 characters', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const secret = newTotpSecret();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.equal(base32Decode(secret).length, 20);
    seen.add(secret);
  }
  assert.equal(seen.size, 50);
});

test('the otpauth URI names issuer Daybook, the account, SHA-1, 6 digits and 30 s', () => {
  const secret = newTotpSecret();
  const uri = new URL(otpauthUri(secret, 'ada+mfa@example.test'));
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.host, 'totp');
  assert.equal(decodeURIComponent(uri.pathname), '/Daybook:ada+mfa@example.test');
  assert.equal(uri.searchParams.get('issuer'), 'Daybook');
  assert.equal(uri.searchParams.get('secret'), secret);
  assert.equal(uri.searchParams.get('algorithm'), 'SHA1');
  assert.equal(uri.searchParams.get('digits'), '6');
  assert.equal(uri.searchParams.get('period'), '30');
});

function oathtool(args: readonly string[]): string | undefined {
  const result = spawnSync('oathtool', args, {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
  });
  if (result.error) return undefined;
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

const hasOathtool = spawnSync('oathtool', ['--version']).error === undefined;
const NO_OATHTOOL = 'oathtool is not installed (Debian: apt-get install oathtool)';

test(
  'oathtool reproduces every RFC 6238 appendix B vector',
  { skip: hasOathtool ? false : NO_OATHTOOL },
  () => {
    for (const [time, expected] of VECTORS) {
      for (const algorithm of ALGORITHMS) {
        const mode = algorithm === 'sha1' ? '--totp' : `--totp=${algorithm}`;
        const code = oathtool([
          mode,
          '-d',
          '8',
          `--now=@${time}`,
          SEEDS[algorithm].toString('hex'),
        ]);
        assert.equal(code, expected[algorithm], `${algorithm} at ${time}`);
      }
    }
  },
);

test(
  "oathtool's code for a fresh server secret is accepted by the server's check, and so is the reference's",
  { skip: hasOathtool ? false : NO_OATHTOOL },
  () => {
    const secret = newTotpSecret();
    const now = Math.floor(Date.now() / 1000);
    for (const offset of [-30, 0, 30]) {
      const code = oathtool(['--totp', '-b', '-d', '6', `--now=@${now + offset}`, secret]);
      assert.equal(code, totpAt(secret, now + offset));
      assert.equal(matchingStep(secret, code!, now * 1000), Math.floor((now + offset) / 30));
    }
  },
);
