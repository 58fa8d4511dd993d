/**
 * Start-up runs the real process, as an operator would: `npm start` (its
 * prestart compiles src/ into dist/ when stale, then `node dist/server.js`),
 * the same server through tsx (`npm run dev`, the tests), and `daybook serve`,
 * in a directory with no .env, with nothing inherited from the test runner's
 * environment. The built server runs from a copy of the checkout compiled
 * here, so the repository's own dist/ is left alone.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';

import { tempDir } from '../helpers.ts';
import {
  BIN,
  cleanEnv,
  freePort,
  ROOT,
  run,
  SERVER,
  start,
  TSX,
  waitForHttp,
  type Finished,
} from '../process.ts';

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

function workDir(t: TestContext): string {
  const dir = tempDir('daybook-startup-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A checkout of its own (sources, configs, scripts; node_modules linked), compiled by prestart. */
const CHECKOUT = mkdtempSync(join(tmpdir(), 'daybook-built-'));
const PRESTART = join(CHECKOUT, 'scripts', 'build-if-stale.mjs');
let firstBuild: Finished | undefined;

before(async () => {
  for (const path of ['src', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) {
    cpSync(join(ROOT, path), join(CHECKOUT, path), { recursive: true });
  }
  symlinkSync(join(ROOT, 'node_modules'), join(CHECKOUT, 'node_modules'), 'dir');
  firstBuild = await run([PRESTART], { cwd: CHECKOUT, env: cleanEnv(), timeoutMs: 300_000 });
});
after(() => rmSync(CHECKOUT, { recursive: true, force: true }));

const ENTRY_POINTS: Record<string, readonly string[]> = {
  'npm start (node dist/server.js)': [join(CHECKOUT, 'dist', 'server.js')],
  'the server through tsx (node --import tsx src/server.ts)': ['--import', TSX, SERVER],
  'daybook serve (bin/daybook.js)': [BIN, 'serve'],
};

test("npm start's prestart compiles a checkout without dist/, skips a current one, and compiles again once a source file is newer", async () => {
  assert.equal(firstBuild?.code, 0, firstBuild?.stderr);
  assert.match(firstBuild?.stderr ?? '', /compiling src\/ into dist\//);
  assert.ok(existsSync(join(CHECKOUT, 'dist', 'server.js')));

  const current = await run([PRESTART], { cwd: CHECKOUT, env: cleanEnv() });
  assert.equal(current.code, 0, current.stderr);
  assert.equal(current.stderr, '', 'a current build is not compiled again');

  // A source edited after the build (an hour ahead, beyond any clock granularity).
  const later = new Date(Date.now() + 3_600_000);
  utimesSync(join(CHECKOUT, 'src', 'app.ts'), later, later);
  const stale = await run([PRESTART], { cwd: CHECKOUT, env: cleanEnv(), timeoutMs: 300_000 });
  assert.equal(stale.code, 0, stale.stderr);
  assert.match(stale.stderr, /compiling src\/ into dist\//);
});

const BAD_KEYS: Record<string, Record<string, string>> = {
  unset: {},
  '32 characters long': { MASTER_ENCRYPTION_KEY: hex(16) },
  'not hex': { MASTER_ENCRYPTION_KEY: `${hex(31)}xy` },
};

for (const [entry, args] of Object.entries(ENTRY_POINTS)) {
  describe(entry, () => {
    for (const [what, keyEnv] of Object.entries(BAD_KEYS)) {
      test(`with MASTER_ENCRYPTION_KEY ${what}, start-up exits non-zero naming the variable, without a stack trace`, async (t) => {
        const dir = workDir(t);
        const result = await run(args, {
          cwd: dir,
          env: cleanEnv({ JWT_SECRET: hex(32), PORT: String(await freePort()), ...keyEnv }),
        });
        assert.notEqual(result.code, 0, `exit code ${result.code}`);
        assert.equal(result.signal, null, 'it exited by itself, not by the timeout');
        assert.match(result.stderr, /MASTER_ENCRYPTION_KEY/);
        assert.match(result.stderr, /openssl rand -hex 32|daybook init/);
        assert.equal(result.stderr.includes('    at '), false, result.stderr);
        for (const value of Object.values(keyEnv)) {
          assert.equal(result.stderr.includes(value), false, 'the bad key is echoed');
        }
      });
    }

    test('with a valid environment it serves GET /api/health over HTTP and exits 0 on SIGTERM', async (t) => {
      const dir = workDir(t);
      const port = await freePort();
      const running = start(args, {
        cwd: dir,
        env: cleanEnv({
          MASTER_ENCRYPTION_KEY: hex(32),
          JWT_SECRET: hex(32),
          HOST: '127.0.0.1',
          PORT: String(port),
          PLATFORM_DATABASE_URL: `sqlite:${join(dir, 'platform.db')}`,
          VAULT_DATABASE_URL: `sqlite:${join(dir, 'vault.db')}`,
          LOG_LEVEL: 'warn',
        }),
      });
      t.after(() => running.child.kill('SIGKILL'));

      const health = await waitForHttp(`http://127.0.0.1:${port}/api/health`, running);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      const ready = await fetch(`http://127.0.0.1:${port}/api/ready`);
      assert.equal(ready.status, 200);

      running.child.kill('SIGTERM');
      const result = await running.finished;
      assert.equal(result.code, 0, running.output());
      assert.equal(result.signal, null);
      // Once stopped, nothing listens on the port any more.
      await assert.rejects(fetch(`http://127.0.0.1:${port}/api/health`));
    });
  });
}

test('the server serves from a checkout whose path contains a space', async (t) => {
  // The entry-point check once compared import.meta.url with `file://${argv[1]}`,
  // so under "/home/my name/daybook" the server silently exited 0 without serving.
  const dir = workDir(t);
  const checkout = join(dir, 'my journal');
  cpSync(join(ROOT, 'src'), join(checkout, 'src'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(checkout, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  const port = await freePort();
  const running = start(['--import', TSX, join(checkout, 'src', 'server.ts')], {
    cwd: checkout,
    env: cleanEnv({
      MASTER_ENCRYPTION_KEY: hex(32),
      JWT_SECRET: hex(32),
      PORT: String(port),
      LOG_LEVEL: 'warn',
    }),
  });
  t.after(() => running.child.kill('SIGKILL'));
  const health = await waitForHttp(`http://127.0.0.1:${port}/api/health`, running);
  assert.equal(health.status, 200);
  running.child.kill('SIGTERM');
  assert.equal((await running.finished).code, 0, running.output());
});
