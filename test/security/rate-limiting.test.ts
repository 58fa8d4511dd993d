/**
 * Regression tests for the audit fix "rate limiting" (DESIGN.md section 5):
 * signup and login are limited per client IP, authenticated routes per user;
 * the 429 carries RateLimit-* and Retry-After; a forged X-Forwarded-For
 * changes nothing unless TRUST_PROXY names the proxy; no spelling of a path
 * reaches a handler unlimited.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { LightMyRequestResponse } from 'fastify';

import type { App } from '../../src/http/types.ts';
import { bearer, newUser, openLab, PASSWORD } from '../auth/support.ts';

const LIMIT_5 = {
  RATE_LIMIT_LOGIN_MAX: '5',
  RATE_LIMIT_SIGNUP_MAX: '5',
};

function post(
  app: App,
  url: string,
  payload: object,
  headers: Record<string, string> = {},
  remoteAddress = '198.51.100.7',
): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url, payload, headers, remoteAddress });
}

const loginBody = { email: 'someone@example.test', password: 'a wrong password guess' };
const signupBody = (i: number | string) => ({
  email: `user-${i}@example.test`,
  password: PASSWORD,
});

function assertLimited(res: LightMyRequestResponse, max: number): void {
  assert.equal(res.statusCode, 429, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json();
  assert.equal(body.status, 429);
  assert.equal(body.type, 'https://daybook.invalid/problems/rate-limited');
  // enableDraftSpec: the IETF draft names, without the X- prefix.
  assert.equal(res.headers['ratelimit-limit'], String(max));
  assert.equal(res.headers['ratelimit-remaining'], '0');
  const reset = Number(res.headers['ratelimit-reset']);
  assert.ok(reset > 0 && reset <= 15 * 60, `ratelimit-reset ${reset}`);
  const retryAfter = Number(res.headers['retry-after']);
  assert.ok(retryAfter > 0 && retryAfter <= 15 * 60, `retry-after ${retryAfter}`);
  assert.equal(res.headers['x-ratelimit-limit'], undefined);
}

test('rate limiting: the sixth login from one IP gets 429 problem+json with RateLimit-* and Retry-After, even with the right password', async (t) => {
  const { app } = await openLab(t, LIMIT_5);
  await newUser(app, 'victim@example.test', PASSWORD, { remoteAddress: '192.0.2.1' });
  for (let i = 0; i < 5; i += 1) {
    const res = await post(app, '/api/auth/login', loginBody);
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['ratelimit-limit'], '5');
    assert.equal(res.headers['ratelimit-remaining'], String(4 - i));
  }
  const sixth = await post(app, '/api/auth/login', {
    email: 'victim@example.test',
    password: PASSWORD,
  });
  assertLimited(sixth, 5);
  // Another client is not affected.
  const other = await post(app, '/api/auth/login', loginBody, {}, '198.51.100.8');
  assert.equal(other.statusCode, 401);
});

test('rate limiting: refresh has a per-IP limit of its own, apart from login', async (t) => {
  const { app } = await openLab(t, { RATE_LIMIT_REFRESH_MAX: '3', RATE_LIMIT_LOGIN_MAX: '1000' });
  const ip = '198.51.100.7';
  let { refreshToken } = await newUser(app, 'refresher@example.test', PASSWORD, {
    remoteAddress: ip,
  });
  for (let i = 0; i < 3; i += 1) {
    const res = await post(app, '/api/auth/refresh', { refreshToken });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['ratelimit-limit'], '3');
    refreshToken = (res.json() as { refreshToken: string }).refreshToken;
  }
  assertLimited(await post(app, '/api/auth/refresh', { refreshToken }), 3);
  // Logins from that address are not counted against it, nor it against them.
  const login = await post(app, '/api/auth/login', {
    email: 'refresher@example.test',
    password: PASSWORD,
  });
  assert.equal(login.statusCode, 200, login.body);
  assert.equal(login.headers['ratelimit-limit'], '1000');
});

test('rate limiting: the sixth signup from one IP gets 429 and creates no account', async (t) => {
  const { app, deps } = await openLab(t, LIMIT_5);
  for (let i = 0; i < 5; i += 1) {
    assert.equal((await post(app, '/api/auth/signup', signupBody(i))).statusCode, 202);
  }
  assertLimited(await post(app, '/api/auth/signup', signupBody('sixth')), 5);
  const users = await deps.platform.db.selectFrom('users').select('id').execute();
  assert.equal(users.length, 5);
});

test('rate limiting: a forged X-Forwarded-For does not reset the count when TRUST_PROXY is unset', async (t) => {
  const { app } = await openLab(t, LIMIT_5);
  for (let i = 0; i < 5; i += 1) {
    const res = await post(app, '/api/auth/login', loginBody, {
      'x-forwarded-for': `203.0.113.${i}`,
    });
    assert.equal(res.statusCode, 401);
  }
  for (const forged of ['203.0.113.99', '10.0.0.1, 203.0.113.98', '::1']) {
    assertLimited(
      await post(app, '/api/auth/login', loginBody, {
        'x-forwarded-for': forged,
        'x-real-ip': forged,
        forwarded: `for=${forged}`,
      }),
      5,
    );
  }
});

test('rate limiting: with TRUST_PROXY naming the proxy, distinct forwarded clients count separately', async (t) => {
  const proxy = '10.9.8.7';
  const { app } = await openLab(t, { ...LIMIT_5, TRUST_PROXY: proxy });
  const fromClient = (client: string) =>
    post(app, '/api/auth/login', loginBody, { 'x-forwarded-for': client }, proxy);
  for (let i = 0; i < 5; i += 1) assert.equal((await fromClient('203.0.113.1')).statusCode, 401);
  assertLimited(await fromClient('203.0.113.1'), 5);
  assert.equal((await fromClient('203.0.113.2')).statusCode, 401);
  // A client connecting directly, not through the trusted proxy, cannot pick its address.
  for (let i = 0; i < 5; i += 1) {
    await post(app, '/api/auth/login', loginBody, { 'x-forwarded-for': `203.0.113.${50 + i}` });
  }
  assertLimited(
    await post(app, '/api/auth/login', loginBody, { 'x-forwarded-for': '203.0.113.60' }),
    5,
  );
});

/** Spellings of a path that a router might treat as different routes. */
function variants(path: string): string[] {
  const last = path.split('/').at(-1)!;
  const head = path.slice(0, -last.length);
  const encodedFirst = `%${last.charCodeAt(0).toString(16).toUpperCase()}${last.slice(1)}`;
  return [
    path.toUpperCase(),
    `${head}${last[0]!.toUpperCase()}${last.slice(1)}`,
    `${path}/`,
    `${path}//`,
    path.replace('/api/', '/api//'),
    path.replace('/api/', '//api/'),
    `${head}${encodedFirst}`,
    `${head}${encodedFirst.toLowerCase()}`,
    path.replace('/api/', '/%61pi/'),
    `${path}?x=1`,
    `${path}/?`,
    `${path};x=1`,
    `${path}%2F`,
    `${path}%00`,
    path.replace('/auth/', '/auth/./'),
    path.replace('/auth/', '/auth/x/../'),
    `${path}#frag`,
  ];
}

for (const [route, body] of [
  ['/api/auth/login', loginBody],
  ['/api/auth/signup', signupBody('x')],
] as const) {
  test(`rate limiting: no spelling of ${route} reaches the handler once the limit is used up`, async (t) => {
    const { app } = await openLab(t, LIMIT_5);
    for (let i = 0; i < 5; i += 1) await post(app, route, body);
    for (const url of variants(route)) {
      const res = await post(app, url, body);
      assert.ok(
        res.statusCode === 429 || res.statusCode === 404,
        `${url} answered ${res.statusCode}: ${res.body}`,
      );
    }
  });

  test(`rate limiting: every spelling of ${route} that reaches the handler spends the same budget`, async (t) => {
    const unrouted: string[] = [];
    for (const url of variants(route)) {
      const { app } = await openLab(t, LIMIT_5);
      const first = await post(app, url, body);
      if (first.statusCode === 404) {
        unrouted.push(url); // never reaches a handler at all
        continue;
      }
      for (let i = 1; i < 5; i += 1) await post(app, url, body);
      assertLimited(await post(app, route, body), 5);
    }
    t.diagnostic(`answered 404: ${unrouted.join(' ')}`);
    // Most spellings do reach the route, so the loop above tested something.
    assert.ok(unrouted.length < variants(route).length / 2, unrouted.join(' '));
  });
}

test('rate limiting: signed-in requests are limited per user, whatever the IP, and one user does not spend another’s budget', async (t) => {
  const { app } = await openLab(t, { RATE_LIMIT_API_MAX: '3' });
  const alice = await newUser(app, 'alice@example.test');
  const bob = await newUser(app, 'bob@example.test');
  const read = (token: string, ip: string) =>
    app.inject({
      method: 'GET',
      url: '/api/auth/profile',
      headers: bearer(token),
      remoteAddress: ip,
    });
  for (let i = 0; i < 3; i += 1) {
    assert.equal((await read(alice.accessToken, `192.0.2.${i}`)).statusCode, 200);
  }
  const limited = await read(alice.accessToken, '192.0.2.200');
  assert.equal(limited.statusCode, 429);
  assert.ok(limited.headers['retry-after']);
  assert.equal(limited.headers['ratelimit-limit'], '3');
  // Every authenticated route shares the user's budget.
  const sessions = await app.inject({
    method: 'GET',
    url: '/api/auth/sessions',
    headers: bearer(alice.accessToken),
  });
  assert.equal(sessions.statusCode, 429);
  assert.equal((await read(bob.accessToken, '192.0.2.0')).statusCode, 200);
});
