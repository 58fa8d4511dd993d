/**
 * The auth flow against the real server process over TCP, not `inject`:
 * signup, login, refresh, reuse detection, logout, then a clean SIGTERM.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';

import { loadConfig } from '../../src/config/config.ts';
import { closeDeps, openDeps } from '../../src/server.ts';
import { tempDir, testDatabases, testEnv } from '../helpers.ts';
import { rawRequest, startServer, type StartedServer } from '../process-helpers.ts';

interface Tokens {
  accessToken: string;
  refreshToken: string;
  tokenType: string;
  expiresIn: number;
}

async function call(
  server: StartedServer,
  method: string,
  path: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; json: Record<string, unknown> | null; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
}

test('the real server process signs up, logs in, refreshes, detects reuse, logs out and stops cleanly on SIGTERM', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = testEnv(dir, await testDatabases(t, dir));
  const server = await startServer(env);
  t.after(() => server.stop('SIGKILL'));
  const email = 'process@example.test';
  const password = 'a passphrase over real TCP';

  const signup = await call(server, 'POST', '/api/auth/signup', { email, password });
  assert.equal(signup.status, 202, server.output());
  const again = await call(server, 'POST', '/api/auth/signup', {
    email,
    password: 'other words here',
  });
  assert.deepEqual(again.json, signup.json);

  const wrong = await call(server, 'POST', '/api/auth/login', { email, password: 'not it at all' });
  assert.equal(wrong.status, 401);
  assert.match(String(wrong.headers.get('content-type')), /^application\/problem\+json/);

  const login = await call(server, 'POST', '/api/auth/login', { email, password });
  assert.equal(login.status, 200);
  const first = login.json as unknown as Tokens;
  assert.equal(first.tokenType, 'Bearer');
  assert.equal(first.expiresIn, 900);
  const me = await call(server, 'GET', '/api/auth/profile', undefined, first.accessToken);
  assert.equal(me.status, 200);
  assert.equal(me.json?.email, email);

  const refreshed = await call(server, 'POST', '/api/auth/refresh', {
    refreshToken: first.refreshToken,
  });
  assert.equal(refreshed.status, 200);
  const second = refreshed.json as unknown as Tokens;
  assert.notEqual(second.refreshToken, first.refreshToken);
  assert.equal(
    (await call(server, 'GET', '/api/auth/profile', undefined, second.accessToken)).status,
    200,
  );

  // Reuse of the rotated-out token: refused, and the whole session ends.
  const reuse = await call(server, 'POST', '/api/auth/refresh', {
    refreshToken: first.refreshToken,
  });
  assert.equal(reuse.status, 401);
  assert.equal(
    (await call(server, 'GET', '/api/auth/profile', undefined, second.accessToken)).status,
    401,
  );
  assert.equal(
    (await call(server, 'POST', '/api/auth/refresh', { refreshToken: second.refreshToken })).status,
    401,
  );

  const third = (await call(server, 'POST', '/api/auth/login', { email, password }))
    .json as unknown as Tokens;
  const logout = await call(server, 'POST', '/api/auth/logout', undefined, third.accessToken);
  assert.equal(logout.status, 204);
  assert.equal(
    (await call(server, 'GET', '/api/auth/profile', undefined, third.accessToken)).status,
    401,
  );
  assert.equal(
    (await call(server, 'POST', '/api/auth/refresh', { refreshToken: third.refreshToken })).status,
    401,
  );

  const exit = await server.stop('SIGTERM');
  assert.equal(exit.code, 0, server.output());
  assert.equal(exit.signal, null);

  // What the process wrote is on disk: the trail holds the reuse and the logout.
  const deps = await openDeps(loadConfig(env));
  try {
    const types = (await deps.platform.db.selectFrom('audit_events').select('type').execute()).map(
      (r) => r.type,
    );
    for (const type of [
      'signup',
      'login_failure',
      'login_success',
      'refresh_token_reuse',
      'logout',
    ]) {
      assert.ok(types.includes(type), `${type} missing from ${types.join(', ')}`);
    }
  } finally {
    await closeDeps(deps);
  }
});

test('over real HTTP, no raw spelling of the login path skips its rate limit', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const server = await startServer(
    testEnv(dir, { ...(await testDatabases(t, dir)), RATE_LIMIT_LOGIN_MAX: '5' }),
  );
  t.after(() => server.stop('SIGKILL'));
  const body = { email: 'someone@example.test', password: 'a wrong password guess' };
  for (let i = 0; i < 5; i += 1) {
    const res = await rawRequest(server.url, 'POST', '/api/auth/login', body);
    assert.equal(res.status, 401, res.body);
  }
  const seen: string[] = [];
  for (const path of [
    '/api/auth/login',
    '/API/AUTH/LOGIN',
    '/api/auth/login/',
    '/api//auth/login',
    '/api/auth/%6Cogin',
    '/api/auth/%6cogin',
    '/api/auth/./login',
    '/api/auth/x/../login',
    '/api/auth/login?',
    '/api/auth/login;x',
    '/api/auth/login%2F',
    '/api/auth/login%20',
    '/api/auth/login%09',
  ]) {
    const res = await rawRequest(server.url, 'POST', path, body);
    seen.push(`${path} ${res.status}`);
    assert.ok(
      res.status === 429 || res.status === 404,
      `${path} answered ${res.status}: ${res.body}`,
    );
    if (res.status === 429) assert.ok(res.headers['retry-after'], path);
  }
  t.diagnostic(seen.join(', '));
  const exit = await server.stop();
  assert.equal(exit.code, 0, server.output());
});
