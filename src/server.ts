/**
 * Process entry: configuration, databases, migrations, app, listen, and a
 * graceful stop on SIGTERM/SIGINT (stop accepting, finish in-flight requests,
 * close the pools).
 */
import { buildApp } from './app.ts';
import { ConfigError, loadConfig, type Config } from './config/config.ts';
import { loadEnvFile } from './config/env-file.ts';
import type { AppDeps } from './context.ts';
import { KeyRing } from './crypto/keyring.ts';
import { connect } from './db/connect.ts';
import { migrateAll } from './db/migrate.ts';
import { isMainModule } from './is-main.ts';
import { connectRedis } from './redis.ts';
import { createServices } from './services.ts';
import { lowerBackgroundThreads } from './thread-priority.ts';
import type { PlatformDatabase, VaultDatabase } from './db/types.ts';

const STOP_DEADLINE_MS = 10_000;

export async function openDeps(config: Config): Promise<AppDeps> {
  const options = {
    poolSize: config.databasePoolSize,
    onError: (err: Error) => process.stderr.write(`database: ${err.message}\n`),
  };
  const platform = connect<PlatformDatabase>(config.platformDatabaseUrl, options);
  const vault = connect<VaultDatabase>(config.vaultDatabaseUrl, options);
  await migrateAll(platform, vault);
  const keyRing = new KeyRing(config.masterKeys);
  if (config.redisUrl === undefined) return { config, platform, vault, keyRing };
  const redis = await connectRedis(config.redisUrl, (err) => {
    process.stderr.write(`redis: ${err.message}\n`);
  });
  return { config, platform, vault, keyRing, redis };
}

export async function closeDeps(deps: AppDeps): Promise<void> {
  await deps.platform.db.destroy();
  await deps.vault.db.destroy();
  deps.redis?.disconnect();
}

export async function serve(): Promise<void> {
  let config: Config;
  try {
    loadEnvFile();
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }

  const deps = await openDeps(config);
  const app = await buildApp(deps);
  if (!config.cookieSecure) {
    app.log.warn(
      'COOKIE_SECURE=false: session cookies are sent without Secure and without the __Host- prefix; use this only for plain-HTTP deployments other than localhost',
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping');
    // In-flight requests get this long to finish; then the process exits anyway.
    const deadline = setTimeout(() => {
      app.log.error('graceful stop took too long; exiting');
      process.exit(1);
    }, STOP_DEADLINE_MS);
    deadline.unref();
    try {
      await app.close();
      await closeDeps(deps);
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'graceful stop failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', (s) => void stop(s));
  process.on('SIGINT', (s) => void stop(s));

  await app.listen({ host: config.host, port: config.port });
  // Password hashes and other background threads yield the CPU to requests.
  const lowered = await lowerBackgroundThreads();
  app.log.info({ threads: lowered }, 'background threads run at lower priority');

  // Finish account deletions an earlier process was interrupted in.
  createServices(deps)
    .deletion.resumePending()
    .then((n) => n > 0 && app.log.info({ accounts: n }, 'finished interrupted account purges'))
    .catch((err: unknown) => app.log.error({ err }, 'resuming account purges failed'));
}

// Compared by real path: `file://${argv[1]}` misses paths with spaces or symlinks.
if (isMainModule(import.meta.url)) {
  serve().catch((err: unknown) => {
    process.stderr.write(
      `Daybook failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  });
}
