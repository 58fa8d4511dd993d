/**
 * Regression tests for the audit fix "security headers" (DESIGN.md section
 * 6): every response, errors and 404s included, carries the CSP of
 * DESIGN.md, HSTS, Referrer-Policy, nosniff, frame denial, COOP, CORP and
 * `Cache-Control: no-store`, and no X-Powered-By or version banner.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';

import type { InjectOptions } from 'fastify';

import { assertSecurityHeaders, ORIGIN, PASSWORD, signup } from '../browser-security.ts';
import { makeApp, tempDir, testEnv } from '../helpers.ts';
import { cleanEnv, freePort, SERVER, start, TSX, waitForHttp } from '../process.ts';

test('security headers: every kind of answer carries every security header and no banner', async (t) => {
  // One sign-in a window, so the second one is a 429.
  const { app } = await makeApp(t, { RATE_LIMIT_LOGIN_MAX: '1' });
  await signup(app, 'user@example.test');
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'user@example.test', password: PASSWORD },
  });
  const { accessToken } = login.json<{ accessToken: string }>();
  const authorization = `Bearer ${accessToken}`;

  // In order: the logout at the end ends the session the others use.
  const requests: Record<string, InjectOptions> = {
    '200 (GET /api/health)': { method: 'GET', url: '/api/health' },
    '200 (an authenticated GET /api/auth/profile)': {
      method: 'GET',
      url: '/api/auth/profile',
      headers: { authorization },
    },
    '202 (signup)': {
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email: 'other@example.test', password: PASSWORD },
    },
    '400 (a body that fails validation)': {
      method: 'PATCH',
      url: '/api/auth/profile',
      headers: { authorization },
      payload: { unknownField: true },
    },
    '400 (malformed JSON)': {
      method: 'PATCH',
      url: '/api/auth/profile',
      headers: { authorization, 'content-type': 'application/json' },
      payload: '{"displayName":',
    },
    '400 (a URL that cannot be decoded)': { method: 'GET', url: '/api/auth/%zz' },
    '401 (no credentials)': { method: 'GET', url: '/api/auth/profile' },
    '403 (a cookie-authenticated write without a CSRF token)': {
      method: 'PATCH',
      url: '/api/auth/profile',
      // The access token is the same JWT whether it travels in a header or a cookie.
      headers: { cookie: `__Host-daybook-access=${accessToken}`, origin: ORIGIN },
      payload: {},
    },
    '404 (an unknown route)': { method: 'GET', url: '/api/no-such-route' },
    '404 (a path outside /api)': { method: 'GET', url: '/index.html' },
    '415 (a text/plain body)': {
      method: 'POST',
      url: '/api/auth/signup',
      headers: { 'content-type': 'text/plain' },
      payload: 'email=a@b.test',
    },
    '429 (the second sign-in of the window)': {
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'user@example.test', password: PASSWORD },
    },
    '204 (logout)': { method: 'POST', url: '/api/auth/logout', headers: { authorization } },
  };

  for (const [what, request] of Object.entries(requests)) {
    const res = await app.inject(request);
    await t.test(`security headers: a ${what} carries them`, () => {
      assert.equal(res.statusCode, Number(what.slice(0, 3)), `${what}: ${res.body}`);
      assertSecurityHeaders(res.headers, what);
    });
  }
});

test('security headers: a URL that cannot be decoded gets a problem+json 400 that names no internal code', async (t) => {
  const { app } = await makeApp(t);
  for (const url of ['/api/auth/%zz', '/api/auth/sessions/%E0%A4%A', '/%']) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.equal(res.json().status, 400);
    assert.equal(/FST_|fastify/i.test(res.body), false, res.body);
    assertSecurityHeaders(res.headers, url);
  }
});

test('security headers: Cache-Control: no-store holds for every spelling of a route', async (t) => {
  const { app } = await makeApp(t);
  for (const url of [
    '/api/health',
    '/API/Health',
    '/api/health/',
    '//api/health',
    '/api//health',
    '/%61pi/health',
  ]) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, `${url} reaches the route`);
    assertSecurityHeaders(res.headers, url);
  }
});

test('security headers: a HEAD request gets them too', async (t) => {
  const { app } = await makeApp(t);
  const res = await app.inject({ method: 'HEAD', url: '/api/health' });
  assert.equal(res.statusCode, 200);
  assertSecurityHeaders(res.headers, 'HEAD /api/health');
});

test('security headers: the real server process sends them over HTTP, with no Server or X-Powered-By banner', async (t) => {
  const dir = tempDir('daybook-headers-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const running = start(['--import', TSX, SERVER], {
    cwd: dir,
    env: cleanEnv({ ...testEnv(dir), HOST: '127.0.0.1', PORT: String(port) }),
  });
  t.after(() => running.child.kill('SIGKILL'));
  const origin = `http://127.0.0.1:${port}`;
  await waitForHttp(`${origin}/api/health`, running);

  for (const path of ['/api/health', '/api/auth/profile', '/api/no-such-route', '/api/%zz']) {
    const res = await fetch(origin + path);
    const headers = Object.fromEntries(res.headers);
    assertSecurityHeaders(headers, `${res.status} ${path}`);
    assert.equal(/fastify|node/i.test(JSON.stringify(headers)), false, JSON.stringify(headers));
  }
  running.child.kill('SIGTERM');
  assert.equal((await running.finished).code, 0);
});
