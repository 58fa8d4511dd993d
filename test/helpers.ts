/**
 * Test helpers: a real app over real SQLite files in a fresh temporary folder.
 * Nothing is mocked; argon2 runs with small parameters so tests stay quick.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

import { buildApp, type BuildOptions } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config/config.ts';
import type { AppDeps } from '../src/context.ts';
import type { App } from '../src/http/types.ts';
import { closeDeps, openDeps } from '../src/server.ts';

export function tempDir(prefix = 'daybook-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** An environment with fresh random secrets and SQLite files under `dir`. */
export function testEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    MASTER_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    PLATFORM_DATABASE_URL:
      process.env.TEST_PLATFORM_DATABASE_URL ?? `sqlite:${join(dir, 'platform.db')}`,
    VAULT_DATABASE_URL: process.env.TEST_VAULT_DATABASE_URL ?? `sqlite:${join(dir, 'vault.db')}`,
    LOG_LEVEL: 'silent',
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    RATE_LIMIT_SIGNUP_MAX: '1000',
    RATE_LIMIT_LOGIN_MAX: '1000',
    RATE_LIMIT_MFA_MAX: '1000',
    RATE_LIMIT_API_MAX: '100000',
    ...extra,
  };
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
  const env = testEnv(dir, extra);
  const config = loadConfig(env);
  const deps = await openDeps(config);
  const app = await buildApp(deps, options);
  await app.ready();
  t.after(async () => {
    await app.close();
    await closeDeps(deps);
    rmSync(dir, { recursive: true, force: true });
  });
  return { app, deps, config, dir, env };
}
