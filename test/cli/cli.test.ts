/** The real `daybook` command (bin/daybook.js), run in a fresh directory with a clean environment. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { parseEnv } from 'node:util';

import SqliteDatabase from 'better-sqlite3';

import { loadConfig } from '../../src/config/config.ts';
import { tempDir } from '../helpers.ts';
import { BIN, cleanEnv, run, type Finished } from '../process.ts';

function workDir(t: TestContext): string {
  const dir = tempDir('daybook-cli-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function daybook(dir: string, ...args: string[]): Promise<Finished> {
  return run([BIN, ...args], { cwd: dir, env: cleanEnv() });
}

function tables(file: string): string[] {
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("select name from sqlite_master where type = 'table'").all() as {
      name: string;
    }[];
    return rows.map((r) => r.name);
  } finally {
    db.close();
  }
}

describe('daybook init', { concurrency: 2 }, () => {
  test('writes .env readable by its owner alone (mode 0600) with two distinct fresh 64-hex secrets', async (t) => {
    const dir = workDir(t);
    const result = await daybook(dir, 'init');
    assert.equal(result.code, 0, result.stderr);

    const file = join(dir, '.env');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const env = parseEnv(readFileSync(file, 'utf8'));
    assert.match(env.MASTER_ENCRYPTION_KEY ?? '', /^[0-9a-f]{64}$/);
    assert.match(env.JWT_SECRET ?? '', /^[0-9a-f]{64}$/);
    assert.notEqual(env.MASTER_ENCRYPTION_KEY, env.JWT_SECRET);
    // The file is a valid configuration as written.
    assert.doesNotThrow(() => loadConfig(env));
    // The secrets are never printed.
    assert.equal(result.stdout.includes(env.MASTER_ENCRYPTION_KEY!), false);
    assert.equal(result.stdout.includes(env.JWT_SECRET!), false);
  });

  test('gives fresh secrets on every install', async (t) => {
    const [a, b] = [workDir(t), workDir(t)];
    assert.equal((await daybook(a, 'init')).code, 0);
    assert.equal((await daybook(b, 'init')).code, 0);
    const envA = parseEnv(readFileSync(join(a, '.env'), 'utf8'));
    const envB = parseEnv(readFileSync(join(b, '.env'), 'utf8'));
    assert.notEqual(envA.MASTER_ENCRYPTION_KEY, envB.MASTER_ENCRYPTION_KEY);
    assert.notEqual(envA.JWT_SECRET, envB.JWT_SECRET);
  });

  test('creates and migrates both databases at the default paths under ./data', async (t) => {
    const dir = workDir(t);
    assert.equal((await daybook(dir, 'init')).code, 0);
    const platform = tables(join(dir, 'data', 'platform.db'));
    const vault = tables(join(dir, 'data', 'vault.db'));
    for (const table of ['users', 'user_keys', 'sessions', 'audit_events', 'platform_migrations']) {
      assert.ok(platform.includes(table), `platform lacks ${table}: ${platform.join(', ')}`);
    }
    for (const table of ['entries', 'vault_migrations']) {
      assert.ok(vault.includes(table), `vault lacks ${table}: ${vault.join(', ')}`);
    }
  });

  test('refuses to run a second time, exits non-zero and leaves the existing .env unchanged', async (t) => {
    const dir = workDir(t);
    assert.equal((await daybook(dir, 'init')).code, 0);
    const file = join(dir, '.env');
    const before = readFileSync(file);

    const again = await daybook(dir, 'init');
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /\.env already exists/);
    assert.match(again.stderr, /never overwrites/);
    assert.equal(again.stderr.includes('    at '), false, again.stderr);
    assert.deepEqual(readFileSync(file), before);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  test('refuses an existing .env it did not write, without touching it or migrating', async (t) => {
    const dir = workDir(t);
    const file = join(dir, '.env');
    writeFileSync(file, 'MASTER_ENCRYPTION_KEY=mine\n', { mode: 0o640 });
    const result = await daybook(dir, 'init');
    assert.notEqual(result.code, 0);
    assert.equal(readFileSync(file, 'utf8'), 'MASTER_ENCRYPTION_KEY=mine\n');
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.equal(existsSync(join(dir, 'data')), false, 'nothing was migrated');
  });
});

describe('daybook migrate', { concurrency: 2 }, () => {
  test('migrates with the .env that init wrote and can run again', async (t) => {
    const dir = workDir(t);
    assert.equal((await daybook(dir, 'init')).code, 0);
    rmSync(join(dir, 'data'), { recursive: true });
    const first = await daybook(dir, 'migrate');
    assert.equal(first.code, 0, first.stderr);
    assert.ok(tables(join(dir, 'data', 'platform.db')).includes('users'));
    const second = await daybook(dir, 'migrate');
    assert.equal(second.code, 0, second.stderr);
  });

  test('without a configuration exits 1 with the config message naming the variables, no stack trace', async (t) => {
    const dir = workDir(t);
    const result = await daybook(dir, 'migrate');
    assert.equal(result.code, 1);
    assert.match(result.stderr, /MASTER_ENCRYPTION_KEY is not set/);
    assert.match(result.stderr, /JWT_SECRET is not set/);
    assert.equal(result.stderr.includes('    at '), false, result.stderr);
    assert.equal(existsSync(join(dir, 'data')), false);
  });
});

describe('daybook --help', { concurrency: 2 }, () => {
  test('the top-level --help lists every command and exits 0', async (t) => {
    const dir = workDir(t);
    for (const flag of ['--help', '-h']) {
      const result = await daybook(dir, flag);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Usage: daybook <command>/);
      for (const command of ['init', 'migrate', 'serve']) {
        assert.match(result.stdout, new RegExp(`^  ${command} `, 'm'));
      }
    }
  });

  for (const command of ['init', 'migrate', 'serve']) {
    test(`daybook ${command} --help prints its usage, exits 0 and does nothing else`, async (t) => {
      const dir = workDir(t);
      const result = await daybook(dir, command, '--help');
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`^Usage: daybook ${command}\\n`));
      assert.equal(result.stderr, '');
      // --help never runs the command: no .env, no databases.
      assert.equal(existsSync(join(dir, '.env')), false);
      assert.equal(existsSync(join(dir, 'data')), false);
    });
  }

  test('an unknown command or option, or no command, exits 2 with usage on stderr', async (t) => {
    const dir = workDir(t);
    for (const args of [['frobnicate'], ['init', '--force'], []]) {
      const result = await daybook(dir, ...args);
      assert.equal(result.code, 2, `daybook ${args.join(' ')}`);
      assert.match(result.stderr, /daybook/);
      assert.equal(result.stderr.includes('    at '), false, result.stderr);
    }
    assert.equal(existsSync(join(dir, '.env')), false);
  });
});
