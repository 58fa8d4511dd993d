/**
 * Test helpers: a real app over real SQLite files in a fresh temporary folder.
 * Nothing is mocked; argon2 runs with small parameters so tests stay quick.
 *
 * With TEST_POSTGRES_URL set (e.g. postgres://postgres@127.0.0.1:55432), each
 * test gets two fresh PostgreSQL databases instead (`testDatabases`), dropped
 * when it ends. With TEST_REDIS_URL set, apps keep their rate-limit counters in
 * that Redis under a key prefix of their own, so parallel tests never share one.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

import pg from 'pg';

import { buildApp, type BuildOptions } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config/config.ts';
import type { AppDeps } from '../src/context.ts';
import type { App } from '../src/http/types.ts';
import { closeDeps, openDeps } from '../src/server.ts';

export function tempDir(prefix = 'daybook-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The PostgreSQL server tests run on, or undefined for SQLite (the default). */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL || undefined;
/** The Redis tests keep rate-limit counters in, or undefined for in-process counters. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;

/** REDIS_URL and a key prefix of its own when TEST_REDIS_URL is set; nothing otherwise. */
export function testRedisEnv(): Record<string, string> {
  if (TEST_REDIS_URL === undefined) return {};
  return {
    REDIS_URL: TEST_REDIS_URL,
    RATE_LIMIT_REDIS_PREFIX: `daybook-test:${randomBytes(6).toString('hex')}:`,
  };
}

/**
 * An environment with fresh random secrets and SQLite files under `dir`, and
 * Redis limits when TEST_REDIS_URL is set. For PostgreSQL, pass
 * `await testDatabases(t, dir)` in `extra`.
 */
export function testEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    MASTER_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    PLATFORM_DATABASE_URL:
      process.env.TEST_PLATFORM_DATABASE_URL ?? `sqlite:${join(dir, 'platform.db')}`,
    VAULT_DATABASE_URL: process.env.TEST_VAULT_DATABASE_URL ?? `sqlite:${join(dir, 'vault.db')}`,
    ...testRedisEnv(),
    LOG_LEVEL: 'silent',
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    RATE_LIMIT_SIGNUP_MAX: '1000',
    RATE_LIMIT_LOGIN_MAX: '1000',
    RATE_LIMIT_REFRESH_MAX: '1000',
    RATE_LIMIT_MFA_MAX: '1000',
    RATE_LIMIT_API_MAX: '100000',
    ...extra,
  };
}

/** A type alias rather than an interface, so it spreads into a `Record<string, string>`. */
export type TestDatabases = {
  readonly PLATFORM_DATABASE_URL: string;
  readonly VAULT_DATABASE_URL: string;
};

let admin: pg.Pool | undefined;

/** One small pool on the server's maintenance database, for CREATE and DROP DATABASE. */
function adminPool(url: string): pg.Pool {
  if (admin === undefined) {
    admin = new pg.Pool({ connectionString: url, max: 2, allowExitOnIdle: true });
    admin.on('error', () => undefined);
  }
  return admin;
}

/** `url` with its database name replaced. */
function databaseUrl(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Creates a fresh pair of databases: on PostgreSQL `daybook_t_<random>_platform`
 * and `_vault` (empty, migrated by whoever opens them), otherwise SQLite files
 * under `dir`. `drop` removes the PostgreSQL pair, ending any connection left.
 */
export async function createTestDatabases(
  dir: string,
): Promise<{ readonly urls: TestDatabases; drop(): Promise<void> }> {
  const base = TEST_POSTGRES_URL;
  if (base === undefined) {
    return {
      urls: {
        PLATFORM_DATABASE_URL: `sqlite:${join(dir, 'platform.db')}`,
        VAULT_DATABASE_URL: `sqlite:${join(dir, 'vault.db')}`,
      },
      drop: () => Promise.resolve(),
    };
  }
  const pool = adminPool(base);
  const stem = `daybook_t_${randomBytes(6).toString('hex')}`;
  const names = [`${stem}_platform`, `${stem}_vault`] as const;
  for (const name of names) await pool.query(`CREATE DATABASE "${name}"`);
  return {
    urls: {
      PLATFORM_DATABASE_URL: databaseUrl(base, names[0]),
      VAULT_DATABASE_URL: databaseUrl(base, names[1]),
    },
    async drop() {
      for (const name of names) await pool.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/**
 * The database URLs for one test, to spread into `testEnv`'s `extra`: fresh
 * PostgreSQL databases when TEST_POSTGRES_URL is set, dropped when the test
 * ends (connections still open are ended first), else SQLite files under `dir`.
 */
export async function testDatabases(t: TestContext, dir: string): Promise<TestDatabases> {
  const { urls, drop } = await createTestDatabases(dir);
  t.after(drop);
  return urls;
}

export interface TestApp {
  readonly app: App;
  readonly deps: AppDeps;
  readonly config: Config;
  readonly dir: string;
  readonly env: Record<string, string>;
}

/**
 * Builds an app on fresh databases; closed and removed when the test ends.
 * `options` reach buildApp (a test capturing logs passes its own logger).
 */
export async function makeApp(
  t: TestContext,
  extra: Record<string, string> = {},
  options: BuildOptions = { logger: false },
): Promise<TestApp> {
  const dir = tempDir();
  const databases = await createTestDatabases(dir);
  const env = testEnv(dir, { ...databases.urls, ...extra });
  const config = loadConfig(env);
  const opened: { deps?: AppDeps; app?: App } = {};
  // Registered before anything can fail, so the databases are dropped whatever happens.
  t.after(async () => {
    await opened.app?.close();
    if (opened.deps !== undefined) await closeDeps(opened.deps);
    await databases.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const deps = (opened.deps = await openDeps(config));
  const app = (opened.app = await buildApp(deps, options));
  await app.ready();
  return { app, deps, config, dir, env };
}
