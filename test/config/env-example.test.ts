import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseEnv } from 'node:util';

import { loadConfig } from '../../src/config/config.ts';
import { envFileText } from '../../src/config/env-template.ts';

const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
const secrets = {
  MASTER_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  JWT_SECRET: randomBytes(32).toString('hex'),
};

/** Every variable name loadConfig reads, recorded through a Proxy over a valid environment. */
function variablesRead(): Set<string> {
  const read = new Set<string>();
  const env = new Proxy<Record<string, string | undefined>>(
    { ...secrets },
    {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return typeof name === 'string' ? target[name] : undefined;
      },
    },
  );
  loadConfig(env);
  return read;
}

/** `NAME=value` lines, commented out or not. */
function documented(text: string): Map<string, string> {
  const lines = [...text.matchAll(/^(?:# )?([A-Z][A-Z0-9_]*)=(.*)$/gm)];
  return new Map(lines.map((m) => [m[1]!, m[2]!]));
}

test('.env.example is the template daybook init writes, with the secrets left empty', () => {
  assert.equal(example, envFileText());
});

test('.env.example holds no secret: both secrets are empty and no key-sized hex appears', () => {
  const parsed = parseEnv(example);
  assert.equal(parsed.MASTER_ENCRYPTION_KEY, '');
  assert.equal(parsed.JWT_SECRET, '');
  assert.doesNotMatch(example, /[0-9a-fA-F]{32}/);
  assert.match(example, /openssl rand -hex 32/);
});

test('.env.example documents every variable loadConfig reads, including the *_FILE variants', () => {
  const read = variablesRead();
  assert.ok(read.size > 30, `only ${read.size} variables recorded`);
  assert.ok(read.has('MASTER_ENCRYPTION_KEY_FILE') && read.has('RATE_LIMIT_MFA_WINDOW_MINUTES'));
  const names = documented(example);
  const missing = [...read].filter((name) => !names.has(name));
  assert.deepEqual(missing, [], `undocumented: ${missing.join(', ')}`);
});

test('.env.example documents no variable that loadConfig does not read', () => {
  const read = variablesRead();
  const stale = [...documented(example).keys()].filter((name) => !read.has(name));
  assert.deepEqual(stale, []);
});

test('the defaults .env.example shows are the real defaults: uncommenting every line changes nothing', () => {
  const defaults: Record<string, string> = {};
  for (const [name, value] of documented(example)) {
    // Secrets have no default, and *_FILE lines show example paths.
    if (name in secrets || name.endsWith('_FILE') || name.includes('_PREVIOUS')) continue;
    defaults[name] = value;
  }
  assert.ok(Object.keys(defaults).length > 25);
  assert.deepEqual(loadConfig({ ...secrets, ...defaults }), loadConfig(secrets));
});

test('the .env that init writes carries the given secrets and loads as a valid configuration', () => {
  const text = envFileText({
    masterEncryptionKey: secrets.MASTER_ENCRYPTION_KEY,
    jwtSecret: secrets.JWT_SECRET,
  });
  const parsed = parseEnv(text);
  assert.deepEqual(parsed, secrets, 'only the two secrets are set; everything else is a comment');
  assert.deepEqual(loadConfig(parsed), loadConfig(secrets));
});
