/**
 * Several instances (issue 8): two real server processes on different ports,
 * sharing one pair of PostgreSQL databases and one Redis, with the same master
 * key and JWT secret, behave as one service. A session made on one works on
 * the other, the login rate limit counts requests to both, a logout on one
 * ends the session on the other, and a lockout made on one holds on the other.
 *
 * Both trust the loopback proxy (TRUST_PROXY=loopback, as behind nginx), so
 * each part of the test speaks from a client address of its own through
 * X-Forwarded-For and spends its own rate-limit budget.
 *
 * Needs TEST_POSTGRES_URL and TEST_REDIS_URL: with SQLite files and in-process
 * counters, instances do not share state and this is not a supported set-up.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';

import { TEST_POSTGRES_URL, TEST_REDIS_URL, tempDir, testDatabases, testEnv } from '../helpers.ts';
import { startServer, type StartedServer } from '../process-helpers.ts';

const PASSWORD = 'two instances, one service';

interface Answer {
  readonly status: number;
  readonly json: Record<string, unknown> | null;
  readonly headers: Headers;
}

/** One request to `server`, as the client at `ip` seen through the proxy. */
async function call(
  server: StartedServer,
  ip: string,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<Answer> {
  const headers: Record<string, string> = { 'x-forwarded-for': ip };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : null,
    headers: res.headers,
  };
}

test(
  'two server processes on shared PostgreSQL and Redis: sessions, login limit, logout and lockout hold across both',
  {
    skip:
      TEST_POSTGRES_URL && TEST_REDIS_URL
        ? false
        : 'needs TEST_POSTGRES_URL and TEST_REDIS_URL (shared databases and limiter state)',
  },
  async (t) => {
    const dir = tempDir('daybook-multi-');
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // One environment for both: same databases, Redis key prefix, master key and JWT secret.
    const env = testEnv(dir, {
      ...(await testDatabases(t, dir)),
      TRUST_PROXY: 'loopback',
      RATE_LIMIT_LOGIN_MAX: '4',
      LOCKOUT_THRESHOLD: '5',
    });
    assert.ok(env.REDIS_URL && env.PLATFORM_DATABASE_URL!.startsWith('postgres'));
    // Started together, as a rolling deploy might: both migrate the same databases at once.
    const [a, b] = await Promise.all([startServer(env), startServer(env)]);
    t.after(() => a.stop('SIGKILL'));
    t.after(() => b.stop('SIGKILL'));
    assert.notEqual(a.port, b.port);
    assert.notEqual(a.pid, b.pid);
    for (const server of [a, b]) {
      assert.equal((await call(server, '192.0.2.1', 'GET', '/api/ready')).status, 200);
    }

    await t.test('a session made on one instance works on the other', async () => {
      const ip = '192.0.2.10';
      const email = 'roaming@example.test';
      assert.equal(
        (await call(a, ip, 'POST', '/api/auth/signup', { email, password: PASSWORD })).status,
        202,
      );
      const login = await call(b, ip, 'POST', '/api/auth/login', { email, password: PASSWORD });
      assert.equal(login.status, 200, JSON.stringify(login.json));
      const { accessToken, refreshToken } = login.json as {
        accessToken: string;
        refreshToken: string;
      };
      const me = await call(a, ip, 'GET', '/api/auth/profile', undefined, accessToken);
      assert.equal(me.status, 200, JSON.stringify(me.json));
      // Refreshed on A, the new pair works on B; the old refresh token is spent on both.
      const refreshed = await call(a, ip, 'POST', '/api/auth/refresh', { refreshToken });
      assert.equal(refreshed.status, 200);
      const next = refreshed.json as { accessToken: string };
      assert.equal(
        (await call(b, ip, 'GET', '/api/auth/profile', undefined, next.accessToken)).status,
        200,
      );
      // Written on one, read on the other.
      const entry = await call(
        b,
        ip,
        'POST',
        '/api/entries',
        { date: '2026-12-01', content: 'from B' },
        next.accessToken,
      );
      assert.equal(entry.status, 201, JSON.stringify(entry.json));
      const read = await call(a, ip, 'GET', '/api/entries/2026-12-01', undefined, next.accessToken);
      assert.equal(read.status, 200);
      assert.equal(read.json?.content, 'from B');
    });

    await t.test('the login rate limit counts requests to both instances', async () => {
      const ip = '192.0.2.20';
      const body = { email: 'nobody@example.test', password: 'not the password at all' };
      const answers = [
        await call(a, ip, 'POST', '/api/auth/login', body),
        await call(b, ip, 'POST', '/api/auth/login', body),
        await call(a, ip, 'POST', '/api/auth/login', body),
        await call(b, ip, 'POST', '/api/auth/login', body),
      ];
      assert.deepEqual(
        answers.map((r) => r.status),
        [401, 401, 401, 401],
      );
      // Each instance has seen two: only a shared counter knows this is the fifth.
      for (const server of [a, b]) {
        const fifth = await call(server, ip, 'POST', '/api/auth/login', body);
        assert.equal(fifth.status, 429, `port ${server.port}`);
        assert.ok(Number(fifth.headers.get('retry-after')) > 0);
      }
      // Another client is not affected.
      assert.equal((await call(b, '192.0.2.21', 'POST', '/api/auth/login', body)).status, 401);
    });

    await t.test('a logout on one instance ends the session on the other', async () => {
      const ip = '192.0.2.30';
      const email = 'leaving@example.test';
      await call(a, ip, 'POST', '/api/auth/signup', { email, password: PASSWORD });
      const login = await call(a, ip, 'POST', '/api/auth/login', { email, password: PASSWORD });
      assert.equal(login.status, 200);
      const { accessToken, refreshToken } = login.json as {
        accessToken: string;
        refreshToken: string;
      };
      assert.equal(
        (await call(b, ip, 'GET', '/api/auth/profile', undefined, accessToken)).status,
        200,
      );
      const out = await call(a, ip, 'POST', '/api/auth/logout', undefined, accessToken);
      assert.equal(out.status, 204);
      assert.equal(
        (await call(b, ip, 'GET', '/api/auth/profile', undefined, accessToken)).status,
        401,
      );
      assert.equal((await call(b, ip, 'POST', '/api/auth/refresh', { refreshToken })).status, 401);
    });

    await t.test('a lockout made on one instance holds on the other', async () => {
      const email = 'guarded@example.test';
      await call(b, '192.0.2.40', 'POST', '/api/auth/signup', { email, password: PASSWORD });
      // Five wrong guesses on A, each from its own address (under every per-IP limit).
      for (let i = 0; i < 5; i += 1) {
        const res = await call(a, `192.0.2.${41 + i}`, 'POST', '/api/auth/login', {
          email,
          password: `wrong guess ${i}`,
        });
        assert.equal(res.status, 401);
      }
      // The right password, on B, from a fresh address: the same generic refusal.
      const right = await call(b, '192.0.2.50', 'POST', '/api/auth/login', {
        email,
        password: PASSWORD,
      });
      assert.equal(right.status, 401, JSON.stringify(right.json));
      assert.equal(right.json?.detail, 'Invalid email or password');
      const onA = await call(a, '192.0.2.51', 'POST', '/api/auth/login', {
        email,
        password: PASSWORD,
      });
      assert.equal(onA.status, 401);
    });

    // Both stop cleanly, as in a rolling restart.
    for (const server of [a, b]) {
      const { code } = await server.stop();
      assert.equal(code, 0, server.output());
    }
  },
);
