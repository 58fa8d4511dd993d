/**
 * Regression tests for the audit fix "CSRF" (DESIGN.md section 6): a request
 * authenticated by a cookie carries an ambient credential, so every POST, PUT,
 * PATCH and DELETE it makes, refresh and logout included, needs a CSRF token
 * bound to its session in `x-csrf-token` and a same-origin `Origin` (or
 * `Sec-Fetch-Site: same-origin`); otherwise 403 problem+json and nothing
 * changes. Bearer requests carry no ambient credential and are exempt.
 * Cookie-transport sign-in checks `Origin` too, and issues fresh values:
 * nothing set before it is valid after it.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test, type TestContext } from 'node:test';

import type { LightMyRequestResponse } from 'fastify';

import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/config.ts';
import type { App } from '../../src/http/types.ts';
import { closeDeps, openDeps } from '../../src/server.ts';
import { codeAt, enrolledUser } from '../auth/mfa-support.ts';
import {
  ACCESS,
  assertForbidden,
  bearerLogin,
  bearerProfile,
  cookieLogin,
  cookieLoginRequest,
  CSRF,
  csrfToken,
  FOREIGN_ORIGIN,
  isExpiry,
  Jar,
  ORIGIN,
  PASSWORD,
  REFRESH,
  signup,
} from '../browser-security.ts';
import { createTestDatabases, tempDir, testEnv } from '../helpers.ts';

interface Watched {
  readonly app: App;
  /** `METHOD /route` of every request that got past authentication and CSRF to its handler. */
  readonly reached: string[];
}

/** The real app, plus a hook that records every request reaching the handler stage. */
async function watchedApp(t: TestContext, extra: Record<string, string> = {}): Promise<Watched> {
  const dir = tempDir();
  const databases = await createTestDatabases(dir);
  const deps = await openDeps(loadConfig(testEnv(dir, { ...databases.urls, ...extra })));
  const app = await buildApp(deps, { logger: false });
  const reached: string[] = [];
  app.addHook('preHandler', async (request) => {
    reached.push(`${request.method} ${request.routeOptions.url}`);
  });
  await app.ready();
  t.after(async () => {
    await app.close();
    await closeDeps(deps);
    await databases.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { app, reached };
}

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const;
/** The sign-in routes take no cookie credential; every other write route does. */
const SIGN_IN = new Set([
  'POST /api/auth/signup',
  'POST /api/auth/login',
  'POST /api/auth/verify-mfa',
]);
/**
 * Refresh checks CSRF in a route-level preHandler, which runs after the
 * recording hook: that it changes nothing when refused is proven by its own test.
 */
const REFRESH_ROUTE = 'POST /api/auth/refresh';

interface Route {
  readonly method: string;
  readonly url: string;
  readonly name: string;
}

/** Every write route in the generated OpenAPI spec, path parameters filled in. */
async function writeRoutes(app: App): Promise<Route[]> {
  const spec = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
    paths: Record<string, Record<string, unknown>>;
  }>();
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries(spec.paths)) {
    for (const method of WRITE_METHODS) {
      if (!(method in operations)) continue;
      const url = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
      routes.push({ method: method.toUpperCase(), url, name: `${method.toUpperCase()} ${path}` });
    }
  }
  return routes;
}

function send(
  app: App,
  route: Route,
  headers: Record<string, string>,
  url = route.url,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: route.method as 'POST',
    url,
    headers: { 'content-type': 'application/json', ...headers },
    payload: '{}',
  });
}

/** Two signed-in browsers: the victim's, and the attacker's own account. */
async function victimAndAttacker(app: App) {
  await signup(app, 'victim@example.test');
  await signup(app, 'attacker@example.test');
  const victim = await cookieLogin(app, 'victim@example.test');
  const victimToken = await csrfToken(app, victim);
  const attacker = await cookieLogin(app, 'attacker@example.test');
  const attackerToken = await csrfToken(app, attacker);
  return { victim, victimToken, attacker, attackerToken };
}

test('CSRF: every write route except the three sign-in routes answers 401 without credentials', async (t) => {
  const { app } = await watchedApp(t);
  const routes = await writeRoutes(app);
  assert.ok(routes.length >= 10, `only ${routes.length} write routes found`);
  const open = [];
  for (const route of routes) {
    const res = await send(app, route, {});
    if (res.statusCode !== 401) open.push(route.name);
  }
  assert.deepEqual(open.sort(), [...SIGN_IN].sort());
});

test('CSRF: every cookie-authenticated POST, PUT, PATCH and DELETE is refused with 403 without a valid token and a same-origin request, and never reaches its handler', async (t) => {
  const { app, reached } = await watchedApp(t);
  const { victim, victimToken, attacker, attackerToken } = await victimAndAttacker(app);
  const cookie = victim.header();
  // The victim's access cookie with the attacker's CSRF secret (as if planted) and token.
  const plantedSecret = victim
    .copy()
    .set(CSRF, attacker.get(CSRF) ?? '')
    .header();

  const refusals: Record<string, Record<string, string>> = {
    'no token': { cookie, origin: ORIGIN },
    'an empty token': { cookie, origin: ORIGIN, 'x-csrf-token': '' },
    'a malformed token': { cookie, origin: ORIGIN, 'x-csrf-token': 'not-a-token' },
    "a token from the attacker's session": {
      cookie,
      origin: ORIGIN,
      'x-csrf-token': attackerToken,
    },
    "the attacker's CSRF cookie and token": {
      cookie: plantedSecret,
      origin: ORIGIN,
      'x-csrf-token': attackerToken,
    },
    'a foreign Origin': { cookie, origin: FOREIGN_ORIGIN, 'x-csrf-token': victimToken },
    'Origin: null': { cookie, origin: 'null', 'x-csrf-token': victimToken },
    'the same host on another scheme': {
      cookie,
      origin: 'https://localhost:80',
      'x-csrf-token': victimToken,
    },
    'no Origin and no Sec-Fetch-Site': { cookie, 'x-csrf-token': victimToken },
    'no Origin and Sec-Fetch-Site: same-site': {
      cookie,
      'sec-fetch-site': 'same-site',
      'x-csrf-token': victimToken,
    },
    'no Origin and Sec-Fetch-Site: cross-site': {
      cookie,
      'sec-fetch-site': 'cross-site',
      'x-csrf-token': victimToken,
    },
    'a foreign Origin that claims Sec-Fetch-Site: same-origin': {
      cookie,
      origin: FOREIGN_ORIGIN,
      'sec-fetch-site': 'same-origin',
      'x-csrf-token': victimToken,
    },
  };

  const routes = (await writeRoutes(app)).filter((r) => !SIGN_IN.has(r.name));
  assert.ok(routes.some((r) => r.name === REFRESH_ROUTE));
  reached.length = 0;
  for (const route of routes) {
    for (const [what, headers] of Object.entries(refusals)) {
      assertForbidden(await send(app, route, headers), `${route.name} with ${what}`);
    }
    // Only the header counts: the token in the query string is no token.
    const inQuery = `${route.url}?_csrf=${encodeURIComponent(victimToken)}`;
    assertForbidden(
      await send(app, route, { cookie, origin: ORIGIN }, inQuery),
      `${route.name} with the token in the query string`,
    );
  }
  assert.deepEqual(
    reached.filter((r) => r !== REFRESH_ROUTE),
    [],
    'a refused request reached its handler',
  );

  // The victim's session is untouched: still signed in, profile and sessions as they were.
  const profile = await app.inject({
    method: 'GET',
    url: '/api/auth/profile',
    headers: { cookie },
  });
  assert.equal(profile.statusCode, 200, profile.body);
  assert.equal(profile.json().displayName, null);
  const sessions = await app.inject({
    method: 'GET',
    url: '/api/auth/sessions',
    headers: { cookie },
  });
  assert.equal(sessions.json().items.length, 1);
});

test('CSRF: a refused profile change, password change, session revocation and logout leave the account as it was (checked through the API)', async (t) => {
  const { app } = await watchedApp(t);
  const { victim, attackerToken } = await victimAndAttacker(app);
  const bearer = await bearerLogin(app, 'victim@example.test');
  const sessionsBefore = (
    await app.inject({
      method: 'GET',
      url: '/api/auth/sessions',
      headers: { authorization: `Bearer ${bearer.accessToken}` },
    })
  ).json().items;
  const other = sessionsBefore.find((s: { current: boolean }) => !s.current).id;
  const headers = { cookie: victim.header(), origin: ORIGIN, 'x-csrf-token': attackerToken };

  const attempts = [
    { method: 'PATCH', url: '/api/auth/profile', payload: { displayName: 'Pwned' } },
    {
      method: 'POST',
      url: '/api/auth/password',
      payload: { currentPassword: PASSWORD, newPassword: 'attacker chosen 99 words' },
    },
    { method: 'DELETE', url: `/api/auth/sessions/${other}` },
    { method: 'POST', url: '/api/auth/logout' },
  ] as const;
  for (const attempt of attempts) {
    const res = await app.inject({ ...attempt, headers });
    assertForbidden(res, `${attempt.method} ${attempt.url}`);
  }

  const profile = await bearerProfile(app, bearer.accessToken);
  assert.equal(profile.json().displayName, null);
  const sessionsAfter = (
    await app.inject({
      method: 'GET',
      url: '/api/auth/sessions',
      headers: { cookie: victim.header() },
    })
  ).json().items;
  assert.deepEqual(
    sessionsAfter.map((s: { id: string }) => s.id).sort(),
    sessionsBefore.map((s: { id: string }) => s.id).sort(),
  );
  // The password is unchanged: the old one still signs in.
  await bearerLogin(app, 'victim@example.test');
});

test('CSRF: the right token from the same Origin is accepted, and so is Sec-Fetch-Site: same-origin without an Origin', async (t) => {
  const { app } = await watchedApp(t);
  await signup(app, 'user@example.test');
  const jar = await cookieLogin(app, 'user@example.test');
  const token = await csrfToken(app, jar);

  const patch = (displayName: string, headers: Record<string, string>) =>
    app.inject({
      method: 'PATCH',
      url: '/api/auth/profile',
      headers: { cookie: jar.header(), 'x-csrf-token': token, ...headers },
      payload: { displayName },
    });

  const withOrigin = await patch('From the page', { origin: ORIGIN });
  assert.equal(withOrigin.statusCode, 200, withOrigin.body);
  assert.equal(withOrigin.json().displayName, 'From the page');

  const withFetchMetadata = await patch('Fetch metadata', { 'sec-fetch-site': 'same-origin' });
  assert.equal(withFetchMetadata.statusCode, 200, withFetchMetadata.body);
  assert.equal(withFetchMetadata.json().displayName, 'Fetch metadata');

  // The same token serves every write of the session, not just one.
  const again = await patch('Again', { origin: ORIGIN });
  assert.equal(again.statusCode, 200, again.body);
});

test('CSRF: Bearer-authenticated writes need neither a token nor an Origin', async (t) => {
  const { app } = await watchedApp(t);
  await signup(app, 'api@example.test');
  const { accessToken } = await bearerLogin(app, 'api@example.test');
  const authorization = `Bearer ${accessToken}`;

  const patched = await app.inject({
    method: 'PATCH',
    url: '/api/auth/profile',
    headers: { authorization, origin: FOREIGN_ORIGIN },
    payload: { displayName: 'Script' },
  });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.equal(patched.json().displayName, 'Script');

  const logout = await app.inject({
    method: 'POST',
    url: '/api/auth/logout',
    headers: { authorization },
  });
  assert.equal(logout.statusCode, 204, logout.body);
  assert.equal((await bearerProfile(app, accessToken)).statusCode, 401);
});

test('CSRF: refresh from the cookie needs the token and the same Origin, and a refused refresh leaves the refresh cookie usable', async (t) => {
  const { app } = await watchedApp(t);
  const { victim, victimToken, attackerToken } = await victimAndAttacker(app);
  const refresh = (headers: Record<string, string>) =>
    app.inject({
      method: 'POST',
      url: '/api/auth/refresh',
      headers: { cookie: victim.header(), ...headers },
    });

  assertForbidden(await refresh({ origin: ORIGIN }), 'no token');
  assertForbidden(await refresh({ origin: ORIGIN, 'x-csrf-token': attackerToken }), 'other token');
  assertForbidden(
    await refresh({ origin: FOREIGN_ORIGIN, 'x-csrf-token': victimToken }),
    'foreign Origin',
  );
  assertForbidden(await refresh({ 'x-csrf-token': victimToken }), 'no Origin');

  // Had any refusal rotated the refresh token, this one would now be a reuse.
  const before = victim.get(REFRESH);
  const ok = await refresh({ origin: ORIGIN, 'x-csrf-token': victimToken });
  assert.equal(ok.statusCode, 200, ok.body);
  victim.absorb(ok);
  assert.notEqual(victim.get(REFRESH), before, 'the refresh cookie was rotated');

  // The rotated pair works, and the session kept its CSRF token.
  const profile = await app.inject({
    method: 'PATCH',
    url: '/api/auth/profile',
    headers: { cookie: victim.header(), origin: ORIGIN, 'x-csrf-token': victimToken },
    payload: { displayName: 'After refresh' },
  });
  assert.equal(profile.statusCode, 200, profile.body);
});

test('CSRF: cookie-transport login from a foreign Origin, Origin: null or no Origin is refused and signs nobody in', async (t) => {
  const { app } = await watchedApp(t);
  await signup(app, 'victim@example.test');

  const refused: Record<string, Record<string, string>> = {
    'a foreign Origin': { origin: FOREIGN_ORIGIN },
    'Origin: null': { origin: 'null' },
    'no Origin': {},
    'Sec-Fetch-Site: cross-site': { 'sec-fetch-site': 'cross-site' },
  };
  for (const [what, headers] of Object.entries(refused)) {
    assertForbidden(await cookieLoginRequest(app, 'victim@example.test', headers), what);
  }

  // Only the bearer session made here exists: the refused logins created none.
  const { accessToken } = await bearerLogin(app, 'victim@example.test');
  const sessions = await app.inject({
    method: 'GET',
    url: '/api/auth/sessions',
    headers: { authorization: `Bearer ${accessToken}` },
  });
  assert.equal(sessions.json().items.length, 1, sessions.body);

  const sameOrigin = await cookieLoginRequest(app, 'victim@example.test', {
    'sec-fetch-site': 'same-origin',
  });
  assert.equal(sameOrigin.statusCode, 200, sameOrigin.body);
});

test('CSRF: cookie-transport verify-mfa from a foreign Origin is refused and leaves the challenge and code unused', async (t) => {
  const { app } = await watchedApp(t);
  // Enrolled with the previous step's code, so the current one is still unused.
  const { secret } = await enrolledUser(app, 'mfa@example.test');

  const challenge = await cookieLoginRequest(app, 'mfa@example.test');
  const { mfaToken } = challenge.json<{ mfaToken: string }>();
  assert.equal(typeof mfaToken, 'string', challenge.body);
  const verify = (origin: string) =>
    app.inject({
      method: 'POST',
      url: '/api/auth/verify-mfa',
      headers: { origin },
      payload: { mfaToken, code: codeAt(secret), transport: 'cookie' },
    });

  assertForbidden(await verify(FOREIGN_ORIGIN), 'verify-mfa from a foreign Origin');
  const ok = await verify(ORIGIN);
  assert.equal(ok.statusCode, 200, ok.body);
  assert.ok(ok.cookies.some((c) => c.name === ACCESS && !isExpiry(c)));
});

test('CSRF: a token obtained before a new login is refused after it, even from the same cookie jar', async (t) => {
  const { app } = await watchedApp(t);
  await signup(app, 'user@example.test');
  const jar = await cookieLogin(app, 'user@example.test');
  const before = await csrfToken(app, jar);
  const secretBefore = jar.get(CSRF);

  const relogin = await cookieLoginRequest(app, 'user@example.test', {
    origin: ORIGIN,
    cookie: jar.header(),
  });
  assert.equal(relogin.statusCode, 200, relogin.body);
  const cleared = relogin.cookies.find((c) => c.name === CSRF);
  assert.ok(cleared && isExpiry(cleared), 'login expires the CSRF cookie');

  const patch = (cookie: string, token: string) =>
    app.inject({
      method: 'PATCH',
      url: '/api/auth/profile',
      headers: { cookie, origin: ORIGIN, 'x-csrf-token': token },
      payload: { displayName: 'Changed' },
    });

  // A browser that follows Set-Cookie has lost the old secret...
  const browser = jar.copy().absorb(relogin);
  assert.equal(browser.get(CSRF), undefined);
  assertForbidden(await patch(browser.header(), before), 'old token, cleared secret');
  // ...and even with the old secret kept, the old token belongs to the old session.
  const stubborn = browser.copy().set(CSRF, secretBefore ?? '');
  assertForbidden(await patch(stubborn.header(), before), 'old token, old secret');

  const fresh = await csrfToken(app, browser);
  assert.notEqual(browser.get(CSRF), secretBefore, 'a fresh CSRF secret after login');
  const ok = await patch(browser.header(), fresh);
  assert.equal(ok.statusCode, 200, ok.body);
});

for (const cookieSecure of ['true', 'false']) {
  test(`CSRF: a CSRF cookie planted before login is expired by the login, and the planter's token is refused (COOKIE_SECURE=${cookieSecure})`, async (t) => {
    const { app } = await watchedApp(t, { COOKIE_SECURE: cookieSecure });
    const names = { csrf: cookieSecure === 'true' ? '__Host-daybook-csrf' : 'daybook-csrf' };
    await signup(app, 'victim@example.test');
    await signup(app, 'attacker@example.test');

    // The attacker gets a secret and a token from a session of their own...
    const attacker = new Jar();
    attacker.absorb(await cookieLoginRequest(app, 'attacker@example.test', { origin: ORIGIN }));
    const attackerToken = await app
      .inject({ method: 'GET', url: '/api/csrf-token', headers: { cookie: attacker.header() } })
      .then((res) => (attacker.absorb(res), res.json<{ csrfToken: string }>().csrfToken));
    const planted = attacker.get(names.csrf);
    assert.ok(planted, `no ${names.csrf} cookie`);

    // ...and plants the secret in the victim's browser before the victim signs in.
    const victim = new Jar({ [names.csrf]: planted });
    const login = await cookieLoginRequest(app, 'victim@example.test', {
      origin: ORIGIN,
      cookie: victim.header(),
    });
    assert.equal(login.statusCode, 200, login.body);
    const cleared = login.cookies.find((c) => c.name === names.csrf);
    assert.ok(cleared && isExpiry(cleared), 'login expires the planted CSRF cookie');
    victim.absorb(login);

    // Even if the planted secret survived, the attacker's token is not the victim's.
    const forged = await app.inject({
      method: 'PATCH',
      url: '/api/auth/profile',
      headers: {
        cookie: victim.copy().set(names.csrf, planted).header(),
        origin: ORIGIN,
        'x-csrf-token': attackerToken,
      },
      payload: { displayName: 'Pwned' },
    });
    assertForbidden(forged, 'the planted secret with the planter token');

    const token = await app.inject({
      method: 'GET',
      url: '/api/csrf-token',
      headers: { cookie: victim.header() },
    });
    const fresh = token.cookies.find((c) => c.name === names.csrf);
    assert.ok(fresh && fresh.value !== planted, 'the victim gets a secret of their own');
  });
}
