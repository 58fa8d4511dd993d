/**
 * Steps and expectations for the browser-security tests: a cookie jar that
 * behaves like a browser's (Set-Cookie adds, replaces and expires), sign-up,
 * cookie and bearer sign-in and CSRF tokens through `app.inject`, and the
 * security headers every response must carry.
 */
import assert from 'node:assert/strict';

import type { LightMyRequestResponse } from 'fastify';

import type { App } from '../src/http/types.ts';

export const PASSWORD = 'violet sunrise 4821';

/** `app.inject` sends `Host: localhost:80`, so this is the app's own origin. */
export const ORIGIN = 'http://localhost:80';
export const FOREIGN_ORIGIN = 'https://attacker.example.test';

export const ACCESS = '__Host-daybook-access';
export const REFRESH = '__Host-daybook-refresh';
export const CSRF = '__Host-daybook-csrf';

export type SetCookie = LightMyRequestResponse['cookies'][number];

/** A browser-like cookie jar: a Set-Cookie replaces, and an expired one removes. */
export class Jar {
  private readonly values = new Map<string, string>();

  constructor(initial: Record<string, string> = {}) {
    for (const [name, value] of Object.entries(initial)) this.values.set(name, value);
  }

  absorb(res: LightMyRequestResponse): this {
    for (const c of res.cookies) {
      if (isExpiry(c)) this.values.delete(c.name);
      else this.values.set(c.name, c.value);
    }
    return this;
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  set(name: string, value: string): this {
    this.values.set(name, value);
    return this;
  }

  names(): string[] {
    return [...this.values.keys()].sort();
  }

  header(): string {
    return [...this.values].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  copy(): Jar {
    return new Jar(Object.fromEntries(this.values));
  }
}

/** A Set-Cookie that deletes its cookie: empty, Max-Age=0, or an expiry in the past. */
export function isExpiry(c: SetCookie): boolean {
  const expires = c.expires instanceof Date ? c.expires.getTime() : Infinity;
  return c.value === '' || c.maxAge === 0 || expires <= Date.now();
}

export async function signup(app: App, email: string): Promise<void> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email, password: PASSWORD },
  });
  assert.equal(res.statusCode, 202, res.body);
}

export function cookieLoginRequest(
  app: App,
  email: string,
  headers: Record<string, string> = { origin: ORIGIN },
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers,
    payload: { email, password: PASSWORD, transport: 'cookie' },
  });
}

/** Signs in with cookie transport from our own origin; `jar` receives the cookies. */
export async function cookieLogin(app: App, email: string, jar = new Jar()): Promise<Jar> {
  const headers: Record<string, string> = { origin: ORIGIN };
  if (jar.header() !== '') headers.cookie = jar.header();
  const res = await cookieLoginRequest(app, email, headers);
  assert.equal(res.statusCode, 200, res.body);
  return jar.absorb(res);
}

/** Signs in with the default bearer transport; returns the access and refresh tokens. */
export async function bearerLogin(
  app: App,
  email: string,
): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password: PASSWORD },
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

/** GET /api/csrf-token with the jar's cookies; the jar keeps the CSRF secret cookie. */
export async function csrfToken(app: App, jar: Jar): Promise<string> {
  const res = await app.inject({
    method: 'GET',
    url: '/api/csrf-token',
    headers: { cookie: jar.header() },
  });
  assert.equal(res.statusCode, 200, res.body);
  jar.absorb(res);
  const { csrfToken: token } = res.json<{ csrfToken: string }>();
  assert.equal(typeof token, 'string');
  return token;
}

export async function bearerProfile(
  app: App,
  accessToken: string,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'GET',
    url: '/api/auth/profile',
    headers: { authorization: `Bearer ${accessToken}` },
  });
}

/** A 403 problem+json, as every refused cross-site or token-less write gets. */
export function assertForbidden(res: LightMyRequestResponse, what: string): void {
  assert.equal(res.statusCode, 403, `${what}: ${res.statusCode} ${res.body}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/, what);
  const body = res.json<{ status: number; type: string }>();
  assert.equal(body.status, 403, what);
  assert.equal(
    res.cookies.some((c) => !isExpiry(c)),
    false,
    `${what}: a refused request set a cookie`,
  );
}

/** DESIGN.md section 6, plus the directives that close what default-src leaves open. */
const CSP: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'https:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

function parseCsp(header: string): Record<string, string[]> {
  const directives: Record<string, string[]> = {};
  for (const part of header.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name === undefined || name === '') continue;
    assert.equal(name in directives, false, `${name} appears twice`);
    directives[name] = values;
  }
  return directives;
}

/** Every header the issue lists, with its exact value, and no banner. */
export function assertSecurityHeaders(
  headers: Record<string, string | string[] | number | undefined>,
  what: string,
): void {
  const csp = headers['content-security-policy'];
  assert.equal(typeof csp, 'string', `${what}: no CSP`);
  assert.deepEqual(parseCsp(String(csp)), CSP, `${what}: CSP`);
  assert.equal(headers['content-security-policy-report-only'], undefined, what);
  assert.equal(
    headers['strict-transport-security'],
    'max-age=31536000; includeSubDomains; preload',
    `${what}: HSTS`,
  );
  assert.equal(headers['referrer-policy'], 'strict-origin-when-cross-origin', what);
  assert.equal(headers['x-content-type-options'], 'nosniff', what);
  assert.equal(headers['x-frame-options'], 'DENY', what);
  assert.equal(headers['cross-origin-opener-policy'], 'same-origin', what);
  assert.equal(headers['cross-origin-resource-policy'], 'same-origin', what);
  assert.equal(headers['cache-control'], 'no-store', `${what}: Cache-Control`);
  assert.equal(headers['x-powered-by'], undefined, `${what}: X-Powered-By`);
  assert.equal(headers.server, undefined, `${what}: Server banner`);
}
