import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';

import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { tempDir } from '../helpers.ts';

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** A minimal valid environment: the two required secrets. */
function validEnv(): Record<string, string> {
  return { MASTER_ENCRYPTION_KEY: hex(32), JWT_SECRET: hex(32) };
}

/** Runs loadConfig and returns the ConfigError it must throw. */
function refusal(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('loadConfig accepted the environment');
}

/** Asserts a refusal names `variable` in a problem and never repeats `secret`. */
function assertRefused(
  env: Record<string, string | undefined>,
  variable: string,
  secret?: string,
): ConfigError {
  const err = refusal(env);
  assert.ok(
    err.problems.some((p) => p.includes(variable)),
    `no problem names ${variable}: ${err.message}`,
  );
  assert.ok(err.message.includes(variable));
  if (secret !== undefined && secret !== '') {
    assert.equal(err.message.includes(secret), false, 'the message repeats the bad value');
    assert.equal(err.message.toLowerCase().includes(secret.toLowerCase()), false);
  }
  return err;
}

function tempFile(t: TestContext, name: string, text: string): string {
  const dir = tempDir('daybook-config-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

test('a valid environment loads, with the master key as 32 raw bytes', () => {
  const env = validEnv();
  const config = loadConfig(env);
  assert.deepEqual(config.masterKeys, [Buffer.from(env.MASTER_ENCRYPTION_KEY!, 'hex')]);
  assert.deepEqual(config.jwtSecret, Buffer.from(env.JWT_SECRET!, 'hex'));
  assert.ok(Object.isFrozen(config));
});

test('a missing MASTER_ENCRYPTION_KEY is refused with how to generate one', () => {
  const env = { JWT_SECRET: hex(32) };
  const err = assertRefused(env, 'MASTER_ENCRYPTION_KEY');
  assert.match(err.message, /openssl rand -hex 32/);
  assertRefused({ ...env, MASTER_ENCRYPTION_KEY: '' }, 'MASTER_ENCRYPTION_KEY');
});

test('a 32-character MASTER_ENCRYPTION_KEY is refused, and the message does not repeat it', () => {
  const key = hex(16);
  const err = assertRefused(
    { ...validEnv(), MASTER_ENCRYPTION_KEY: key },
    'MASTER_ENCRYPTION_KEY',
    key,
  );
  assert.match(err.message, /64 hex characters/);
});

test('a master key of 64 characters that are not all hex is refused, and the message does not repeat it', () => {
  const key = `${hex(31)}zz`;
  assert.equal(key.length, 64);
  const err = assertRefused(
    { ...validEnv(), MASTER_ENCRYPTION_KEY: key },
    'MASTER_ENCRYPTION_KEY',
    key,
  );
  assert.match(err.message, /hex/);
});

test('a master key of 66 or 63 hex characters is refused', () => {
  assertRefused({ ...validEnv(), MASTER_ENCRYPTION_KEY: hex(33) }, 'MASTER_ENCRYPTION_KEY');
  assertRefused(
    { ...validEnv(), MASTER_ENCRYPTION_KEY: hex(32).slice(1) },
    'MASTER_ENCRYPTION_KEY',
  );
});

test('a master key of one repeated byte is refused as no secret at all', () => {
  for (const key of ['0'.repeat(64), 'ab'.repeat(32), 'FF'.repeat(32)]) {
    const err = assertRefused(
      { ...validEnv(), MASTER_ENCRYPTION_KEY: key },
      'MASTER_ENCRYPTION_KEY',
      key,
    );
    assert.match(err.message, /repeated/);
  }
});

test('a master key or JWT secret that is a short pattern typed again and again is refused', () => {
  for (const key of ['0123456789abcdef'.repeat(4), 'deadbeef'.repeat(8), `${hex(16)}`.repeat(2)]) {
    const err = assertRefused(
      { ...validEnv(), MASTER_ENCRYPTION_KEY: key },
      'MASTER_ENCRYPTION_KEY',
      key,
    );
    assert.match(err.message, /repeated/);
  }
  for (const secret of [
    'changeme'.repeat(6),
    'hunter2'.repeat(7),
    'abc'.repeat(15),
    hex(16).repeat(2),
  ]) {
    const err = assertRefused({ ...validEnv(), JWT_SECRET: secret }, 'JWT_SECRET', secret);
    assert.match(err.message, /repeated/);
  }
  // Random ones of the same lengths still pass.
  assert.doesNotThrow(() =>
    loadConfig({ ...validEnv(), MASTER_ENCRYPTION_KEY: hex(32), JWT_SECRET: hex(32) }),
  );
  assert.doesNotThrow(() =>
    loadConfig({ ...validEnv(), JWT_SECRET: randomBytes(36).toString('base64url') }),
  );
});

test('a missing JWT_SECRET is refused', () => {
  assertRefused({ MASTER_ENCRYPTION_KEY: hex(32) }, 'JWT_SECRET');
  assertRefused({ MASTER_ENCRYPTION_KEY: hex(32), JWT_SECRET: '' }, 'JWT_SECRET');
});

test('a JWT_SECRET under 256 bits is refused, and the message does not repeat it', () => {
  for (const secret of [hex(31), 'short', randomBytes(24).toString('base64url')]) {
    assertRefused({ MASTER_ENCRYPTION_KEY: hex(32), JWT_SECRET: secret }, 'JWT_SECRET', secret);
  }
});

test('a JWT_SECRET of 256 bits as base64 is accepted', () => {
  const secret = randomBytes(32).toString('base64url');
  const config = loadConfig({ MASTER_ENCRYPTION_KEY: hex(32), JWT_SECRET: secret });
  assert.deepEqual(config.jwtSecret, Buffer.from(secret, 'base64url'));
});

test('a JWT_SECRET equal to the master key is refused, whatever its letter case', () => {
  const key = hex(32);
  const err = assertRefused({ MASTER_ENCRYPTION_KEY: key, JWT_SECRET: key }, 'JWT_SECRET', key);
  assert.match(err.message, /differ from MASTER_ENCRYPTION_KEY/);
  assertRefused({ MASTER_ENCRYPTION_KEY: key, JWT_SECRET: key.toUpperCase() }, 'JWT_SECRET', key);
});

test('every problem is collected and reported at once', () => {
  const err = refusal({
    MASTER_ENCRYPTION_KEY: hex(16),
    JWT_SECRET: 'short',
    PORT: 'eighty',
    LOG_LEVEL: 'loud',
    PLATFORM_DATABASE_URL: 'mysql://db',
  });
  for (const name of [
    'MASTER_ENCRYPTION_KEY',
    'JWT_SECRET',
    'PORT',
    'LOG_LEVEL',
    'PLATFORM_DATABASE_URL',
  ]) {
    assert.ok(
      err.problems.some((p) => p.startsWith(name)),
      `${name} is missing from: ${err.message}`,
    );
  }
  assert.equal(err.problems.length, 5);
  assert.match(err.message, /5 problem/);
  for (const problem of err.problems) assert.ok(err.message.includes(problem));
});

test('MASTER_ENCRYPTION_KEY_FILE and JWT_SECRET_FILE read the secrets from files, trailing newline and all', (t) => {
  const key = hex(32);
  const secret = hex(32);
  const config = loadConfig({
    MASTER_ENCRYPTION_KEY_FILE: tempFile(t, 'mek', `${key}\n`),
    JWT_SECRET_FILE: tempFile(t, 'jwt', `${secret}\n`),
  });
  assert.deepEqual(config.masterKeys[0], Buffer.from(key, 'hex'));
  assert.deepEqual(config.jwtSecret, Buffer.from(secret, 'hex'));
});

test('a secret in a *_FILE is validated like a direct one, and its value is not repeated', (t) => {
  const weak = hex(16);
  assertRefused(
    { MASTER_ENCRYPTION_KEY_FILE: tempFile(t, 'mek', weak), JWT_SECRET: hex(32) },
    'MASTER_ENCRYPTION_KEY',
    weak,
  );
});

test('a *_FILE naming a missing file is refused, naming the variable', () => {
  assertRefused(
    { MASTER_ENCRYPTION_KEY_FILE: '/nonexistent/daybook/mek', JWT_SECRET: hex(32) },
    'MASTER_ENCRYPTION_KEY_FILE',
  );
});

test('setting both a secret and its *_FILE is refused', (t) => {
  assertRefused({ ...validEnv(), JWT_SECRET_FILE: tempFile(t, 'jwt', hex(32)) }, 'JWT_SECRET_FILE');
});

test('MASTER_ENCRYPTION_KEY_PREVIOUS adds older keys after the current one, and bad ones are refused', () => {
  const env = validEnv();
  const previous = [hex(32), hex(32)];
  const config = loadConfig({ ...env, MASTER_ENCRYPTION_KEY_PREVIOUS: previous.join(', ') });
  assert.deepEqual(
    config.masterKeys.map((k) => k.toString('hex')),
    [env.MASTER_ENCRYPTION_KEY, ...previous],
  );
  const bad = hex(10);
  assertRefused(
    { ...env, MASTER_ENCRYPTION_KEY_PREVIOUS: bad },
    'MASTER_ENCRYPTION_KEY_PREVIOUS',
    bad,
  );
});

test('HOST defaults to 127.0.0.1 and PORT to 3000; both can be set', () => {
  const config = loadConfig(validEnv());
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.port, 3000);
  const set = loadConfig({ ...validEnv(), HOST: '0.0.0.0', PORT: '8080' });
  assert.equal(set.host, '0.0.0.0');
  assert.equal(set.port, 8080);
});

test('the database URLs default to SQLite files under ./data', () => {
  const config = loadConfig(validEnv());
  assert.equal(config.platformDatabaseUrl, 'sqlite:./data/platform.db');
  assert.equal(config.vaultDatabaseUrl, 'sqlite:./data/vault.db');
});

test('a PORT that is not a whole number from 0 to 65535 is refused', () => {
  for (const port of ['-1', '65536', '3.5', 'http', '80 ']) {
    assertRefused({ ...validEnv(), PORT: port }, 'PORT');
  }
});

test('a JWT_SECRET equal to a previous master key is refused', () => {
  const env = validEnv();
  const previous = hex(32);
  assertRefused(
    { ...env, MASTER_ENCRYPTION_KEY_PREVIOUS: previous, JWT_SECRET: previous },
    'JWT_SECRET',
    previous,
  );
});

test("TRUST_PROXY takes addresses, CIDR ranges and proxy-addr's named ranges, and refuses words it does not know", () => {
  assert.equal(
    loadConfig({ ...validEnv(), TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy,
    'loopback,10.0.0.0/8',
  );
  assertRefused({ ...validEnv(), TRUST_PROXY: 'everyone' }, 'TRUST_PROXY');
});

test('PUBLIC_ORIGIN is accepted in any letter case and kept as the browser sends it', () => {
  assert.equal(
    loadConfig({ ...validEnv(), PUBLIC_ORIGIN: 'https://Journal.Example.org' }).publicOrigin,
    'https://journal.example.org',
  );
});
