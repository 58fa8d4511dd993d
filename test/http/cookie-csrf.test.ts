import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { LightMyRequestResponse } from 'fastify';

import { makeApp } from '../helpers.ts';

const PASSWORD = 'violet sunrise 4821';
const ORIGIN = 'http://localhost:80';

function cookiesOf(res: LightMyRequestResponse): Record<string, string> {
  return Object.fromEntries(
    res.cookies.filter((c) => c.value !== '').map((c) => [c.name, c.value]),
  );
}

function cookieHeader(jar: Record<string, string>): string {
  return Object.entries(jar)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
}

test('cookie login keeps tokens out of the body and writes need a same-origin CSRF token', async (t) => {
  const { app } = await makeApp(t);
  await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email: 'c@example.test', password: PASSWORD },
  });
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { origin: ORIGIN },
    payload: { email: 'c@example.test', password: PASSWORD, transport: 'cookie' },
  });
  assert.equal(login.statusCode, 200, login.body);
  assert.equal(login.json().accessToken, undefined);
  const jar = cookiesOf(login);
  const access = login.cookies.find((c) => c.name === '__Host-daybook-access');
  assert.ok(access);
  assert.equal(access.httpOnly, true);
  assert.equal(access.secure, true);
  assert.equal(access.sameSite, 'Strict');
  assert.equal(access.path, '/');

  const csrf = await app.inject({
    method: 'GET',
    url: '/api/csrf-token',
    headers: { cookie: cookieHeader(jar) },
  });
  assert.equal(csrf.statusCode, 200, csrf.body);
  Object.assign(jar, cookiesOf(csrf));
  const token = csrf.json().csrfToken;

  const patch = (headers: Record<string, string>) =>
    app.inject({
      method: 'PATCH',
      url: '/api/auth/profile',
      headers: { cookie: cookieHeader(jar), ...headers },
      payload: { displayName: 'C' },
    });

  assert.equal((await patch({ origin: ORIGIN })).statusCode, 403);
  assert.equal(
    (await patch({ origin: 'http://evil.test', 'x-csrf-token': token })).statusCode,
    403,
  );
  assert.equal((await patch({ 'x-csrf-token': token })).statusCode, 403);
  const ok = await patch({ origin: ORIGIN, 'x-csrf-token': token });
  assert.equal(ok.statusCode, 200, ok.body);

  const refresh = await app.inject({
    method: 'POST',
    url: '/api/auth/refresh',
    headers: { cookie: cookieHeader(jar), origin: ORIGIN },
  });
  assert.equal(refresh.statusCode, 403, refresh.body);
  const refreshed = await app.inject({
    method: 'POST',
    url: '/api/auth/refresh',
    headers: { cookie: cookieHeader(jar), origin: ORIGIN, 'x-csrf-token': token },
  });
  assert.equal(refreshed.statusCode, 200, refreshed.body);
  assert.equal(refreshed.json().refreshToken, undefined);
});

test('security headers are on a 404', async (t) => {
  const { app } = await makeApp(t);
  const res = await app.inject({ method: 'GET', url: '/api/nothing' });
  assert.equal(res.statusCode, 404);
  assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
  assert.equal(
    res.headers['strict-transport-security'],
    'max-age=31536000; includeSubDomains; preload',
  );
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.equal(res.headers['x-powered-by'], undefined);
});
