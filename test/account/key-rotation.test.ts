import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { test } from 'node:test';

import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import { closeDeps, openDeps } from '../../src/server.ts';
import { tempDir, testDatabases, testEnv } from '../helpers.ts';
import { PASSWORD, signIn } from '../journal/helpers.ts';
import { BIN, cleanEnv, run, start } from '../process.ts';

const USERS = 12;
const email = (i: number) => `writer${i}@example.test`;

/** Runs `body` against an app on the databases of `env`, then closes it. */
async function withApp<T>(
  env: Record<string, string>,
  body: (app: Awaited<ReturnType<typeof buildApp>>) => Promise<T>,
) {
  const deps = await openDeps(loadConfig(env));
  const app = await buildApp(deps, { logger: false });
  try {
    return await body(app);
  } finally {
    await app.close();
    await closeDeps(deps);
  }
}

/** Every user logs in and reads the entry they wrote. */
async function everyoneReads(env: Record<string, string>): Promise<void> {
  await withApp(env, async (app) => {
    for (let i = 0; i < USERS; i += 1) {
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: email(i), password: PASSWORD },
      });
      assert.equal(login.statusCode, 200, `user ${i}: ${login.body}`);
      const entry = await app.inject({
        method: 'GET',
        url: '/api/entries/2026-11-30',
        headers: { authorization: `Bearer ${login.json().accessToken}` },
      });
      assert.equal(entry.statusCode, 200, `user ${i}: ${entry.body}`);
      assert.equal(entry.json().content, `entry of writer ${i}`);
    }
  });
}

test('master key rotation survives a kill half-way, keeps serving, and the old key can then go', async (t) => {
  if (process.env.TEST_PLATFORM_DATABASE_URL) {
    t.skip('uses its own SQLite files');
    return;
  }
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const oldEnv = testEnv(dir, await testDatabases(t, dir));
  await withApp(oldEnv, async (app) => {
    for (let i = 0; i < USERS; i += 1) {
      const user = await signIn(app, email(i));
      const res = await user.call('POST', '/api/entries', {
        date: '2026-11-30',
        content: `entry of writer ${i}`,
      });
      assert.equal(res.statusCode, 201, res.body);
    }
  });

  const newKey = randomBytes(32).toString('hex');
  const rotatingEnv = {
    ...oldEnv,
    MASTER_ENCRYPTION_KEY: newKey,
    MASTER_ENCRYPTION_KEY_PREVIOUS: oldEnv.MASTER_ENCRYPTION_KEY!,
  };
  const options = { cwd: dir, env: cleanEnv(rotatingEnv) };
  const daybook = (...args: string[]) => run([BIN, ...args], options);

  // Kill the rotation after its first batch of two.
  const running = start([BIN, 'keys', 'rotate', '--batch-size', '2'], options);
  await new Promise<void>((resolve) => {
    running.child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('rotated ')) {
        running.child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await running.finished;
  const status = await daybook('keys', 'status');
  assert.match(status.stdout, /still under an older key/, status.stdout + status.stderr);

  // Mid-rotation, a server holding both keys serves rotated and unrotated users alike.
  await everyoneReads(rotatingEnv);

  const resumed = await daybook('keys', 'rotate', '--batch-size', '2');
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /Every data key and email index is under the current master key/);

  // The old key removed: everything still works.
  const newOnly = { ...oldEnv, MASTER_ENCRYPTION_KEY: newKey };
  await everyoneReads(newOnly);
  // And the old key alone no longer opens anything.
  await withApp(oldEnv, async (app) => {
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: email(0), password: PASSWORD },
    });
    assert.equal(login.statusCode, 401);
  });
});
