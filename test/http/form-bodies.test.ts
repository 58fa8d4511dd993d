/**
 * Only `application/json` bodies are parsed (API.md, conventions): what an
 * HTML form can send cross-site (text/plain, urlencoded, multipart) gets 415
 * on the real JSON routes, before any handler runs, so nothing changes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { LightMyRequestResponse } from 'fastify';

import {
  bearerLogin,
  bearerProfile,
  cookieLogin,
  csrfToken,
  ORIGIN,
  PASSWORD,
  signup,
} from '../browser-security.ts';
import { makeApp } from '../helpers.ts';

const BOUNDARY = '----daybook';

/** What a cross-site form (or a no-cors fetch) can send, each with its own Content-Type. */
const FORM_BODIES: Record<
  string,
  { type: string; body: (fields: Record<string, string>) => string }
> = {
  'text/plain': {
    type: 'text/plain',
    body: (f) =>
      Object.entries(f)
        .map(([k, v]) => `${k}=${v}`)
        .join('\r\n'),
  },
  'text/plain naming JSON in a parameter': {
    type: 'text/plain; charset=application/json',
    body: (f) => JSON.stringify(f),
  },
  'text/plain with JSON after a semicolon': {
    type: 'text/plain;application/json',
    body: (f) => JSON.stringify(f),
  },
  'application/x-www-form-urlencoded': {
    type: 'application/x-www-form-urlencoded',
    body: (f) => new URLSearchParams(f).toString(),
  },
  'multipart/form-data': {
    type: `multipart/form-data; boundary=${BOUNDARY}`,
    body: (f) =>
      Object.entries(f)
        .map(
          ([k, v]) =>
            `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
        )
        .join('') + `--${BOUNDARY}--\r\n`,
  },
  'no Content-Type at all': { type: '', body: (f) => JSON.stringify(f) },
};

function assertUnsupported(res: LightMyRequestResponse, what: string): void {
  assert.equal(res.statusCode, 415, `${what}: ${res.statusCode} ${res.body}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/, what);
  assert.equal(res.json().status, 415, what);
}

function headersFor(type: string, extra: Record<string, string> = {}): Record<string, string> {
  return type === '' ? extra : { 'content-type': type, ...extra };
}

test('form-encoded, multipart and text/plain sign-ups get 415 and create no account', async (t) => {
  const { app } = await makeApp(t);
  for (const [what, form] of Object.entries(FORM_BODIES)) {
    const email = `form-${Object.keys(FORM_BODIES).indexOf(what)}@example.test`;
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      headers: headersFor(form.type),
      payload: form.body({ email, password: PASSWORD }),
    });
    assertUnsupported(res, what);
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: PASSWORD },
    });
    assert.equal(login.statusCode, 401, `${what}: the account exists`);
  }
});

test('form-encoded, multipart and text/plain sign-ins get 415 and set no cookie', async (t) => {
  const { app } = await makeApp(t);
  await signup(app, 'user@example.test');
  for (const [what, form] of Object.entries(FORM_BODIES)) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: headersFor(form.type, { origin: ORIGIN }),
      payload: form.body({ email: 'user@example.test', password: PASSWORD, transport: 'cookie' }),
    });
    assertUnsupported(res, what);
    assert.equal(res.cookies.length, 0, `${what}: a cookie was set`);
  }
});

test('a form body on an authenticated JSON route gets 415 even with a valid session, CSRF token and Origin, and the profile is unchanged', async (t) => {
  const { app } = await makeApp(t);
  await signup(app, 'user@example.test');
  const { accessToken } = await bearerLogin(app, 'user@example.test');
  const jar = await cookieLogin(app, 'user@example.test');
  const token = await csrfToken(app, jar);

  for (const [what, form] of Object.entries(FORM_BODIES)) {
    const viaBearer = await app.inject({
      method: 'PATCH',
      url: '/api/auth/profile',
      headers: headersFor(form.type, { authorization: `Bearer ${accessToken}` }),
      payload: form.body({ displayName: 'Form' }),
    });
    assertUnsupported(viaBearer, `${what} with a bearer token`);
    const viaCookie = await app.inject({
      method: 'PATCH',
      url: '/api/auth/profile',
      headers: headersFor(form.type, {
        cookie: jar.header(),
        origin: ORIGIN,
        'x-csrf-token': token,
      }),
      payload: form.body({ displayName: 'Form' }),
    });
    assertUnsupported(viaCookie, `${what} with the session cookie`);
  }
  assert.equal((await bearerProfile(app, accessToken)).json().displayName, null);
});

test('application/json with a charset parameter is parsed', async (t) => {
  const { app } = await makeApp(t);
  await signup(app, 'user@example.test');
  const { accessToken } = await bearerLogin(app, 'user@example.test');
  const res = await app.inject({
    method: 'PATCH',
    url: '/api/auth/profile',
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json; charset=utf-8',
    },
    payload: JSON.stringify({ displayName: 'Json' }),
  });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().displayName, 'Json');
});
