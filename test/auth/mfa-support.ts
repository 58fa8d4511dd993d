/**
 * Shared steps for the MFA tests. Codes always come from test/totp-reference.ts,
 * an RFC 6238 implementation on node:crypto alone, never from the library the
 * server uses, so a bug shared by both sides cannot pass unnoticed.
 *
 * Time: a TOTP code belongs to a 30-second step. Tests that need a code to sit
 * at a known offset from the server's clock first wait out the end of the
 * current step (`awayFromStepEdge`), so the step cannot change under them.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import type { TestContext } from 'node:test';

import type { LightMyRequestResponse } from 'fastify';
import type { KyselyPlugin } from 'kysely';

import { buildApp, type BuildOptions } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import type { AppDeps } from '../../src/context.ts';
import type { App } from '../../src/http/types.ts';
import { closeDeps, openDeps } from '../../src/server.ts';
import { tempDir, testDatabases, testEnv, type TestDatabases } from '../helpers.ts';
import { totpAt } from '../totp-reference.ts';

export const PASSWORD = 'violet sunrise 4821';
export const STEP_SECONDS = 30;

export interface Opened {
  readonly app: App;
  readonly deps: AppDeps;
  readonly config: Config;
}

/**
 * Makes every platform query answer on a later turn of the event loop, as a
 * networked database (PostgreSQL) does. SQLite answers synchronously, so
 * without this, parallel requests on SQLite never interleave and a race
 * between "check" and "count" cannot show in a test.
 */
const answerLater: KyselyPlugin = {
  transformQuery: (args) => args.node,
  transformResult: async (args) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return args.result;
  },
};

export function withSlowDatabase(deps: AppDeps): AppDeps {
  return { ...deps, platform: { ...deps.platform, db: deps.platform.db.withPlugin(answerLater) } };
}

export interface OpenOptions extends BuildOptions {
  /** Platform queries answer asynchronously (see `answerLater`). */
  readonly slowDatabase?: boolean;
}

export interface Lab {
  readonly dir: string;
  readonly env: Record<string, string>;
  /** An app on this lab's database files and secrets; call again to "restart the server". */
  open(overrides?: Record<string, string>, options?: OpenOptions): Promise<Opened>;
  /** Closes an app opened by `open`, as a process exit would. */
  close(opened: Opened): Promise<void>;
}

/** Database files and secrets of one test; every app opened on them is closed when it ends. */
export function lab(t: TestContext, extra: Record<string, string> = {}): Lab {
  const dir = tempDir('daybook-mfa-');
  const env = testEnv(dir, extra);
  const open = new Set<Opened>();
  const close = async (o: Opened) => {
    if (!open.delete(o)) return;
    await o.app.close();
    await closeDeps(o.deps);
  };
  t.after(async () => {
    for (const o of [...open]) await close(o);
    rmSync(dir, { recursive: true, force: true });
  });
  // On PostgreSQL, made at the first open, so they are dropped after the apps close.
  let databases: Promise<TestDatabases> | undefined;
  return {
    dir,
    env,
    close,
    async open(overrides = {}, { slowDatabase = false, logger = false } = {}) {
      databases ??= testDatabases(t, dir);
      const config = loadConfig({ ...env, ...(await databases), ...overrides });
      const opened = await openDeps(config);
      const deps = slowDatabase ? withSlowDatabase(opened) : opened;
      const app = await buildApp(deps, { logger });
      await app.ready();
      const o = { app, deps, config };
      open.add(o);
      return o;
    },
  };
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The reference code `steps` steps away from now (-1: the previous step). */
export function codeAt(secret: string, steps = 0): string {
  return totpAt(secret, nowSeconds() + steps * STEP_SECONDS);
}

/** A six-digit code that matches none of the steps from now-3 to now+3. */
export function wrongCode(secret: string): string {
  const near = new Set([-3, -2, -1, 0, 1, 2, 3].map((s) => codeAt(secret, s)));
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

/** Waits until at least `marginMs` remain in the current 30-second step. */
export async function awayFromStepEdge(marginMs = 4000): Promise<void> {
  const left = STEP_SECONDS * 1000 - (Date.now() % (STEP_SECONDS * 1000));
  if (left < marginMs) await new Promise((r) => setTimeout(r, left + 50));
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export function post(
  app: App,
  url: string,
  payload: Record<string, unknown>,
  token?: string,
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url,
    payload,
    headers: { ...headers, ...(token === undefined ? {} : bearer(token)) },
  });
}

export function login(
  app: App,
  email: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
) {
  return post(app, '/api/auth/login', { email, password }, undefined, headers);
}

/** Signs up and signs in (no MFA yet); the access token. */
export async function newUser(app: App, email: string): Promise<string> {
  const signup = await post(app, '/api/auth/signup', { email, password: PASSWORD });
  assert.equal(signup.statusCode, 202, signup.body);
  const res = await login(app, email);
  assert.equal(res.statusCode, 200, res.body);
  const { accessToken } = res.json() as { accessToken?: string };
  assert.ok(accessToken, 'login without MFA gives tokens');
  return accessToken;
}

export interface Enrolled {
  readonly email: string;
  /** An access token from before MFA was on; its session stays valid. */
  readonly accessToken: string;
  readonly secret: string;
  readonly recoveryCodes: string[];
}

/**
 * Signs up, then enrols with the code of the PREVIOUS step, so the current and
 * next steps remain unused for the test (each step works once per account).
 */
export async function enrolledUser(app: App, email: string): Promise<Enrolled> {
  const accessToken = await newUser(app, email);
  const setup = await post(app, '/api/auth/mfa/setup', {}, accessToken);
  assert.equal(setup.statusCode, 200, setup.body);
  const { secret } = setup.json() as { secret: string };
  await awayFromStepEdge();
  const enable = await post(
    app,
    '/api/auth/enable-mfa',
    { password: PASSWORD, code: codeAt(secret, -1) },
    accessToken,
  );
  assert.equal(enable.statusCode, 200, enable.body);
  const { recoveryCodes } = enable.json() as { recoveryCodes: string[] };
  return { email, accessToken, secret, recoveryCodes };
}

/** The first login step for an MFA account: the challenge token. */
export async function challenge(
  app: App,
  email: string,
  headers: Record<string, string> = {},
): Promise<string> {
  const res = await login(app, email, PASSWORD, headers);
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as { mfaRequired?: boolean; mfaToken?: string; accessToken?: string };
  assert.equal(body.mfaRequired, true);
  assert.equal(body.accessToken, undefined, 'no session before the second factor');
  assert.ok(body.mfaToken);
  return body.mfaToken;
}

export function verify(
  app: App,
  mfaToken: string,
  factor: { code: string } | { recoveryCode: string },
  headers: Record<string, string> = {},
) {
  return post(app, '/api/auth/verify-mfa', { mfaToken, ...factor }, undefined, headers);
}

/** Asserts a verify-mfa answer carries a session. */
export function assertTokens(res: LightMyRequestResponse): { accessToken: string } {
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json() as { accessToken?: string; refreshToken?: string };
  assert.ok(body.accessToken && body.refreshToken, 'a session was issued');
  return { accessToken: body.accessToken };
}

/** Asserts a refusal that issued nothing. */
export function assertRefused(res: LightMyRequestResponse, status = 401): void {
  assert.equal(res.statusCode, status, res.body);
  assert.doesNotMatch(res.body, /accessToken|refreshToken/);
}

/** The user row (by id when several users exist). */
export async function userRow(deps: AppDeps, id?: string) {
  let query = deps.platform.db.selectFrom('users').selectAll();
  if (id !== undefined) query = query.where('id', '=', id);
  const rows = await query.execute();
  assert.equal(rows.length, 1, 'exactly one user row');
  return rows[0]!;
}

/** The account id behind an access token. */
export async function userId(app: App, accessToken: string): Promise<string> {
  const res = await app.inject({
    method: 'GET',
    url: '/api/auth/profile',
    headers: bearer(accessToken),
  });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json() as { id: string }).id;
}

/** Audit event types of every user, oldest first. */
export async function auditTypes(deps: AppDeps): Promise<string[]> {
  const rows = await deps.platform.db
    .selectFrom('audit_events')
    .select(['type', 'at'])
    .orderBy('at')
    .execute();
  return rows.map((r) => r.type);
}
