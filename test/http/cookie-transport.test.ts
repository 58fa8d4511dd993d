/**
 * Cookie transport (DESIGN.md section 6): with `transport: "cookie"` the
 * access and refresh tokens travel only in `__Host-` cookies (HttpOnly,
 * Secure, SameSite=Strict, Path=/, no Domain) and never in a body; logout
 * expires them and the session ends; COOKIE_SECURE=false drops Secure and the
 * prefix, and the real process warns about it at start-up.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test, type TestContext } from 'node:test';

import type { LightMyRequestResponse } from 'fastify';

import { codeAt, enrolledUser } from '../auth/mfa-support.ts';
import {
  ACCESS,
  cookieLogin,
  cookieLoginRequest,
  CSRF,
  csrfToken,
  isExpiry,
  Jar,
  ORIGIN,
  REFRESH,
  signup,
  type SetCookie,
} from '../browser-security.ts';
import { makeApp, tempDir, testEnv } from '../helpers.ts';
import { cleanEnv, freePort, SERVER, start, TSX, waitForHttp } from '../process.ts';

function cookie(res: LightMyRequestResponse, name: string): SetCookie {
  const found = res.cookies.find((c) => c.name === name);
  assert.ok(found, `no ${name} cookie in ${JSON.stringify(res.headers['set-cookie'])}`);
  return found;
}

/** HttpOnly, SameSite=Strict, Path=/, no Domain; Secure when `secure`. */
function assertSessionCookie(c: SetCookie, secure: boolean): void {
  assert.equal(c.httpOnly, true, `${c.name} HttpOnly`);
  assert.equal(c.sameSite, 'Strict', `${c.name} SameSite`);
  assert.equal(c.path, '/', `${c.name} Path`);
  assert.equal(c.domain, undefined, `${c.name} has no Domain`);
  assert.equal(c.secure === true, secure, `${c.name} Secure`);
  assert.ok(c.value.length > 0);
}

/** No token value, and no token field, anywhere in the body. */
function assertNoTokensInBody(res: LightMyRequestResponse): void {
  const body = res.json<Record<string, unknown>>();
  assert.deepEqual(Object.keys(body).sort(), ['expiresIn', 'transport'], res.body);
  assert.equal(body.transport, 'cookie');
  assert.equal(typeof body.expiresIn, 'number');
  for (const c of res.cookies) {
    if (c.value !== '') assert.equal(res.body.includes(c.value), false, `${c.name} in the body`);
  }
}

test('cookie login sets __Host- access and refresh cookies that are HttpOnly, Secure, SameSite=Strict, Path=/ and carry no Domain, and the body has no token', async (t) => {
  const { app } = await makeApp(t);
  await signup(app, 'user@example.test');
  const res = await cookieLoginRequest(app, 'user@example.test');
  assert.equal(res.statusCode, 200, res.body);
  const live = res.cookies.filter((c) => !isExpiry(c)).map((c) => c.name);
  assert.deepEqual(live.sort(), [ACCESS, REFRESH].sort());

  assertSessionCookie(cookie(res, ACCESS), true);
  assertSessionCookie(cookie(res, REFRESH), true);
  assertNoTokensInBody(res);
  assert.equal(res.json().expiresIn, cookie(res, ACCESS).maxAge);
});

test('the CSRF secret cookie is __Host-, HttpOnly, Secure, SameSite=Strict and Path=/, and the token itself is only in the body', async (t) => {
  const { app } = await makeApp(t);
  await signup(app, 'user@example.test');
  const jar = await cookieLogin(app, 'user@example.test');
  const res = await app.inject({
    method: 'GET',
    url: '/api/csrf-token',
    headers: { cookie: jar.header() },
  });
  assert.equal(res.statusCode, 200, res.body);
  const secret = cookie(res, CSRF);
  assertSessionCookie(secret, true);
  assert.notEqual(res.json().csrfToken, secret.value);
});

test('cookie refresh rotates both cookies and the body has no token', async (t) => {
  const { app } = await makeApp(t);
  await signup(app, 'user@example.test');
  const jar = await cookieLogin(app, 'user@example.test');
  const token = await csrfToken(app, jar);
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/refresh',
    headers: { cookie: jar.header(), origin: ORIGIN, 'x-csrf-token': token },
  });
  assert.equal(res.statusCode, 200, res.body);
  assertSessionCookie(cookie(res, ACCESS), true);
  assertSessionCookie(cookie(res, REFRESH), true);
  assert.notEqual(cookie(res, REFRESH).value, jar.get(REFRESH));
  assertNoTokensInBody(res);
});

test('verify-mfa with cookie transport puts the tokens in __Host- cookies, not in the body', async (t) => {
  const { app } = await makeApp(t);
  const { secret } = await enrolledUser(app, 'mfa@example.test');

  const challenge = await cookieLoginRequest(app, 'mfa@example.test');
  assert.equal(challenge.json().mfaRequired, true, challenge.body);
  assert.equal(challenge.cookies.length, 0, 'no session cookie before the second factor');
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/verify-mfa',
    headers: { origin: ORIGIN },
    payload: {
      mfaToken: challenge.json().mfaToken,
      code: codeAt(secret),
      transport: 'cookie',
    },
  });
  assert.equal(res.statusCode, 200, res.body);
  assertSessionCookie(cookie(res, ACCESS), true);
  assertSessionCookie(cookie(res, REFRESH), true);
  assertNoTokensInBody(res);
});

test('bearer login, the default, returns the tokens in the body and sets no cookie', async (t) => {
  const { app } = await makeApp(t);
  await signup(app, 'user@example.test');
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'user@example.test', password: 'violet sunrise 4821' },
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().tokenType, 'Bearer');
  assert.equal(res.cookies.length, 0);
});

test('logging in again issues fresh cookie values', async (t) => {
  const { app } = await makeApp(t);
  await signup(app, 'user@example.test');
  const first = await cookieLogin(app, 'user@example.test');
  const second = await cookieLogin(app, 'user@example.test', first.copy());
  assert.notEqual(second.get(ACCESS), first.get(ACCESS));
  assert.notEqual(second.get(REFRESH), first.get(REFRESH));
});

test('logout expires every cookie, and the old access and refresh cookies stop working', async (t) => {
  const { app } = await makeApp(t);
  await signup(app, 'user@example.test');
  const jar = await cookieLogin(app, 'user@example.test');
  const token = await csrfToken(app, jar);
  const old = jar.copy();

  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/logout',
    headers: { cookie: jar.header(), origin: ORIGIN, 'x-csrf-token': token },
  });
  assert.equal(res.statusCode, 204, res.body);
  for (const name of [ACCESS, REFRESH, CSRF]) {
    const cleared = cookie(res, name);
    assert.ok(isExpiry(cleared), `${name} is expired: ${JSON.stringify(cleared)}`);
    assert.ok(cleared.expires instanceof Date && cleared.expires.getTime() <= Date.now());
    assert.equal(cleared.path, '/');
  }
  assert.deepEqual(jar.absorb(res).names(), []);

  // A copy of the old cookies, replayed, opens nothing.
  const profile = await app.inject({
    method: 'GET',
    url: '/api/auth/profile',
    headers: { cookie: old.header() },
  });
  assert.equal(profile.statusCode, 401, profile.body);
  const refresh = await app.inject({
    method: 'POST',
    url: '/api/auth/refresh',
    headers: { cookie: old.header(), origin: ORIGIN, 'x-csrf-token': token },
  });
  assert.equal(refresh.statusCode, 401, refresh.body);
  assert.equal(
    refresh.cookies.some((c) => !isExpiry(c)),
    false,
  );
});

test('with COOKIE_SECURE=false the cookies drop Secure and the __Host- prefix, and keep HttpOnly, SameSite=Strict and Path=/', async (t) => {
  const { app } = await makeApp(t, { COOKIE_SECURE: 'false' });
  await signup(app, 'user@example.test');
  const login = await cookieLoginRequest(app, 'user@example.test');
  assert.equal(login.statusCode, 200, login.body);
  const live = login.cookies.filter((c) => !isExpiry(c));
  assert.deepEqual(live.map((c) => c.name).sort(), ['daybook-access', 'daybook-refresh']);
  for (const c of live) assertSessionCookie(c, false);
  assertNoTokensInBody(login);

  const jar = new Jar().absorb(login);
  const csrf = await app.inject({
    method: 'GET',
    url: '/api/csrf-token',
    headers: { cookie: jar.header() },
  });
  assertSessionCookie(cookie(csrf, 'daybook-csrf'), false);
  jar.absorb(csrf);
  const patch = await app.inject({
    method: 'PATCH',
    url: '/api/auth/profile',
    headers: { cookie: jar.header(), origin: ORIGIN, 'x-csrf-token': csrf.json().csrfToken },
    payload: { displayName: 'Plain HTTP' },
  });
  assert.equal(patch.statusCode, 200, patch.body);
});

/** Starts the real server process, waits until it answers, stops it, and returns its output. */
async function startupLog(t: TestContext, extra: Record<string, string>): Promise<string> {
  const dir = tempDir('daybook-cookie-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const port = await freePort();
  const running = start(['--import', TSX, SERVER], {
    cwd: dir,
    env: cleanEnv({
      ...testEnv(dir),
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...extra,
    }),
  });
  t.after(() => running.child.kill('SIGKILL'));
  await waitForHttp(`http://127.0.0.1:${port}/api/health`, running);
  running.child.kill('SIGTERM');
  const { stdout, stderr } = await running.finished;
  return stdout + stderr;
}

test('the real server started with COOKIE_SECURE=false logs a warning at start-up; with the default it does not', async (t) => {
  const insecure = await startupLog(t, { COOKIE_SECURE: 'false' });
  const warning = insecure
    .split('\n')
    .filter((line) => line.includes('COOKIE_SECURE'))
    .map((line) => JSON.parse(line) as { level: number; msg: string });
  assert.equal(warning.length, 1, insecure);
  assert.equal(warning[0]?.level, 40, 'logged at warn level');
  assert.match(warning[0]?.msg ?? '', /without Secure/);

  const secure = await startupLog(t, {});
  assert.equal(secure.includes('COOKIE_SECURE'), false, secure);
});
