/**
 * Shared steps for the auth and security tests: open the real app on a test's
 * own database files (again and again, to restart it or change its settings),
 * sign up, sign in, and send authenticated requests.
 */
import { rmSync } from 'node:fs';
import type { TestContext } from 'node:test';

import type { InjectOptions, LightMyRequestResponse } from 'fastify';

import { buildApp, type BuildOptions } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import type { AppDeps } from '../../src/context.ts';
import type { App } from '../../src/http/types.ts';
import { closeDeps, openDeps } from '../../src/server.ts';
import { tempDir, testDatabases, testEnv, type TestDatabases } from '../helpers.ts';

export const PASSWORD = 'correct horse battery staple';

export interface OpenedApp {
  readonly app: App;
  readonly deps: AppDeps;
  readonly config: Config;
  /** Closes the app and its databases, as a process exit would; safe to call twice. */
  close(): Promise<void>;
}

export interface Lab {
  readonly dir: string;
  readonly env: Record<string, string>;
  /** Opens an app on this lab's database files; `overrides` change the environment. */
  open(overrides?: Record<string, string>, options?: BuildOptions): Promise<OpenedApp>;
}

/**
 * A test's own database files and secrets. Apps opened on them are closed, and
 * the files removed, when the test ends.
 */
export function lab(t: TestContext, extra: Record<string, string> = {}): Lab {
  const dir = tempDir();
  const env = testEnv(dir, extra);
  const opened: OpenedApp[] = [];
  t.after(async () => {
    for (const o of opened.reverse()) await o.close();
    rmSync(dir, { recursive: true, force: true });
  });
  // On PostgreSQL, made at the first open, so they are dropped after the apps close.
  let databases: Promise<TestDatabases> | undefined;
  return {
    dir,
    env,
    async open(overrides = {}, options = { logger: false }) {
      databases ??= testDatabases(t, dir);
      const config = loadConfig({ ...env, ...(await databases), ...overrides });
      const deps = await openDeps(config);
      const app = await buildApp(deps, options);
      await app.ready();
      let closed = false;
      const o: OpenedApp = {
        app,
        deps,
        config,
        async close() {
          if (closed) return;
          closed = true;
          await app.close();
          await closeDeps(deps);
        },
      };
      opened.push(o);
      return o;
    },
  };
}

/** A fresh lab with one app open on it. */
export async function openLab(
  t: TestContext,
  extra: Record<string, string> = {},
  options?: BuildOptions,
): Promise<OpenedApp & { lab: Lab }> {
  const l = lab(t, extra);
  const o = await l.open({}, options);
  return { ...o, lab: l };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

type Extra = Omit<InjectOptions, 'method' | 'url' | 'payload' | 'body'>;

export function signup(
  app: App,
  email: string,
  password = PASSWORD,
  extra: Extra = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    ...extra,
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email, password },
  });
}

export function login(
  app: App,
  email: string,
  password = PASSWORD,
  extra: Extra = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    ...extra,
    method: 'POST',
    url: '/api/auth/login',
    payload: { email, password },
  });
}

export interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly tokenType: string;
  readonly expiresIn: number;
}

/** Signs in and fails the test unless it worked. */
export async function loginOk(
  app: App,
  email: string,
  password = PASSWORD,
  extra: Extra = {},
): Promise<Tokens> {
  const res = await login(app, email, password, extra);
  if (res.statusCode !== 200) {
    throw new Error(`login for ${email} answered ${res.statusCode}: ${res.body}`);
  }
  return res.json() as Tokens;
}

/** Signs up and signs in, failing the test unless both worked. */
export async function newUser(
  app: App,
  email: string,
  password = PASSWORD,
  extra: Extra = {},
): Promise<Tokens> {
  const res = await signup(app, email, password, extra);
  if (res.statusCode !== 202) {
    throw new Error(`signup for ${email} answered ${res.statusCode}: ${res.body}`);
  }
  return loginOk(app, email, password, extra);
}

export function profile(app: App, accessToken: string): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'GET', url: '/api/auth/profile', headers: bearer(accessToken) });
}

export function refresh(
  app: App,
  refreshToken: string,
  extra: Extra = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    ...extra,
    method: 'POST',
    url: '/api/auth/refresh',
    payload: { refreshToken },
  });
}

export function changePassword(
  app: App,
  accessToken: string,
  currentPassword: string,
  newPassword: string,
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/api/auth/password',
    headers: bearer(accessToken),
    payload: { currentPassword, newPassword },
  });
}

/** Every audit event type recorded for a user, oldest first, read from the database. */
export async function auditTypes(deps: AppDeps, userId?: string): Promise<string[]> {
  let query = deps.platform.db.selectFrom('audit_events').select(['type', 'at', 'id']);
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  const rows = await query.orderBy('at').execute();
  return rows.map((r) => r.type);
}

/** The one user row; fails if there is not exactly one. */
export async function onlyUser(deps: AppDeps) {
  const rows = await deps.platform.db.selectFrom('users').selectAll().execute();
  if (rows.length !== 1) throw new Error(`expected one user row, found ${rows.length}`);
  return rows[0]!;
}

/** The payload of a JWT, decoded without checking anything. */
export function jwtPart(token: string, part: 0 | 1): Record<string, unknown> {
  const segment = token.split('.')[part];
  if (segment === undefined) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The generic 401 that every failed sign-in gets. */
export function isGenericLoginFailure(res: LightMyRequestResponse): boolean {
  return (
    res.statusCode === 401 &&
    String(res.headers['content-type']).startsWith('application/problem+json') &&
    (res.json() as { detail?: string }).detail === 'Invalid email or password'
  );
}

/** Runs `count` requests at once and returns their answers in order. */
export function together<T>(count: number, make: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => make(i)));
}
