/**
 * CORS (DESIGN.md section 6): off by default; with CORS_ORIGINS, an explicit
 * allow-list gets credentialed access and every other origin gets nothing;
 * `*` is refused by the configuration, since it cannot go with credentials.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { test } from 'node:test';

import type { LightMyRequestResponse } from 'fastify';

import { ConfigError, loadConfig } from '../../src/config/config.ts';
import type { App } from '../../src/http/types.ts';
import { assertForbidden, cookieLogin, csrfToken, ORIGIN, signup } from '../browser-security.ts';
import { makeApp, testEnv } from '../helpers.ts';

const ALLOWED = 'https://app.example.test';
/** Other origins, the app's own among them: CORS has nothing to say to any of them. */
const OTHERS = ['https://attacker.example.test', 'http://app.example.test', 'null', ORIGIN];

function simple(app: App, origin: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url: '/api/health', headers: { origin } });
}

function preflight(app: App, origin: string): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'OPTIONS',
    url: '/api/auth/profile',
    headers: {
      origin,
      'access-control-request-method': 'PATCH',
      'access-control-request-headers': 'content-type, x-csrf-token',
    },
  });
}

function assertNoCors(res: LightMyRequestResponse, what: string): void {
  for (const name of Object.keys(res.headers)) {
    assert.equal(name.startsWith('access-control-'), false, `${what}: ${name}`);
  }
}

test('CORS is off by default: no Access-Control-Allow-Origin for any Origin, on a request or a preflight', async (t) => {
  const { app } = await makeApp(t);
  for (const origin of [ALLOWED, ...OTHERS]) {
    assertNoCors(await simple(app, origin), `GET from ${origin}`);
    assertNoCors(await preflight(app, origin), `preflight from ${origin}`);
  }
});

test('with CORS_ORIGINS, the listed origin gets Access-Control-Allow-Origin with credentials, and any other origin gets none', async (t) => {
  const { app } = await makeApp(t, { CORS_ORIGINS: ALLOWED });

  const res = await simple(app, ALLOWED);
  assert.equal(res.headers['access-control-allow-origin'], ALLOWED);
  assert.equal(res.headers['access-control-allow-credentials'], 'true');
  assert.match(String(res.headers.vary), /origin/i);

  const pre = await preflight(app, ALLOWED);
  assert.equal(pre.statusCode, 204, pre.body);
  assert.equal(pre.headers['access-control-allow-origin'], ALLOWED);
  assert.equal(pre.headers['access-control-allow-credentials'], 'true');
  assert.match(String(pre.headers['access-control-allow-methods']), /PATCH/);
  assert.match(String(pre.headers['access-control-allow-headers']), /x-csrf-token/);

  for (const origin of OTHERS) {
    assertNoCors(await simple(app, origin), `GET from ${origin}`);
    const otherPre = await preflight(app, origin);
    assertNoCors(otherPre, `preflight from ${origin}`);
    assert.notEqual(otherPre.statusCode, 204, `preflight from ${origin}`);
  }
});

test('a listed origin may make cookie-authenticated writes with a CSRF token; an unlisted one may not', async (t) => {
  const { app } = await makeApp(t, { CORS_ORIGINS: ALLOWED });
  await signup(app, 'user@example.test');
  const jar = await cookieLogin(app, 'user@example.test');
  const token = await csrfToken(app, jar);
  const patch = (origin: string) =>
    app.inject({
      method: 'PATCH',
      url: '/api/auth/profile',
      headers: { cookie: jar.header(), origin, 'x-csrf-token': token },
      payload: { displayName: origin },
    });

  const listed = await patch(ALLOWED);
  assert.equal(listed.statusCode, 200, listed.body);
  assert.equal(listed.headers['access-control-allow-origin'], ALLOWED);
  assertForbidden(await patch('https://attacker.example.test'), 'an unlisted origin');
});

test("CORS_ORIGINS='*', alone or in a list, is refused by the configuration", () => {
  // loadConfig only reads the environment: the database paths are never opened.
  const dir = tmpdir();
  for (const value of ['*', `${ALLOWED},*`, ` * `]) {
    assert.throws(
      () => loadConfig(testEnv(dir, { CORS_ORIGINS: value })),
      (err: unknown) =>
        err instanceof ConfigError && err.problems.some((p) => p.includes('CORS_ORIGINS')),
      value,
    );
  }
});
