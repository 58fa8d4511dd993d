/**
 * Redis going away and coming back (DESIGN.md section 5, issue 8): with the
 * limiter state in Redis, sign-in fails closed (503 problem+json with
 * Retry-After) while Redis is unreachable, signed-in reads keep working, and
 * once Redis is back the same app signs people in again: no restart needed.
 *
 * The test runs its own redis-server (the Debian package's binary) on a free
 * port, so it can kill and restart it; it is skipped when there is none.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';

import type { Redis } from 'ioredis';

import { makeApp, tempDir } from '../helpers.ts';
import { freePort } from '../process.ts';
import { bearer, login, newUser, PASSWORD, profile, signup } from '../auth/support.ts';

const HAS_REDIS = spawnSync('redis-server', ['--version']).status === 0;

/** True once something accepts TCP connections on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A throwaway redis-server on `port`: no persistence, loopback only. */
async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i += 1) {
    if (await accepts(port)) return child;
    if (child.exitCode !== null) break;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server did not start on port ${port}`);
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

/** Waits until the app's Redis connection is in `status` (ioredis reconnects in the background). */
async function until(redis: Redis, wanted: (status: string) => boolean, what: string) {
  for (let i = 0; i < 200; i += 1) {
    if (wanted(redis.status)) return;
    await sleep(50);
  }
  throw new Error(`Redis connection never became ${what} (status ${redis.status})`);
}

test(
  'Redis down: sign-in answers 503 problem+json with Retry-After, signed-in reads still work, and sign-in comes back with Redis without a restart',
  { skip: HAS_REDIS ? false : 'no redis-server binary (apt-get install redis-server)' },
  async (t) => {
    const dir = tempDir('daybook-redis-');
    const port = await freePort();
    let redis = await startRedis(port, dir);
    t.after(async () => {
      await stopRedis(redis);
      rmSync(dir, { recursive: true, force: true });
    });
    const { app, deps } = await makeApp(t, { REDIS_URL: `redis://127.0.0.1:${port}` });
    assert.ok(deps.redis, 'the app uses Redis');
    await until(deps.redis, (s) => s === 'ready', 'ready');

    const email = 'steady@example.test';
    const tokens = await newUser(app, email);
    const keys = await deps.redis.keys(`${deps.config.rateLimitRedisPrefix}*`);
    assert.ok(keys.length > 0, 'the limiter counters are in Redis');

    await stopRedis(redis);
    await until(deps.redis, (s) => s !== 'ready', 'disconnected');

    for (const res of [await login(app, email), await signup(app, 'new@example.test')]) {
      assert.equal(res.statusCode, 503, res.body);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.ok(Number(res.headers['retry-after']) > 0, 'Retry-After');
      const problem = res.json() as { status: number; title: string; detail: string };
      assert.equal(problem.status, 503);
      assert.doesNotMatch(res.body, /redis|ECONNREFUSED|stream/i, 'no library message leaks');
    }
    // The per-user API limit fails open: reading does not depend on Redis.
    const me = await profile(app, tokens.accessToken);
    assert.equal(me.statusCode, 200, me.body);
    const sessions = await app.inject({
      method: 'GET',
      url: '/api/auth/sessions',
      headers: bearer(tokens.accessToken),
    });
    assert.equal(sessions.statusCode, 200, sessions.body);

    // Back on the same port: the same app reconnects and signs in again.
    redis = await startRedis(port, dir);
    await until(deps.redis, (s) => s === 'ready', 'ready again');
    let again = await login(app, email, PASSWORD);
    for (let i = 0; i < 50 && again.statusCode === 503; i += 1) {
      await sleep(100);
      again = await login(app, email, PASSWORD);
    }
    assert.equal(again.statusCode, 200, again.body);
  },
);
