/**
 * Configuration: the whole environment is read and validated once, at start-up.
 *
 * Every problem is collected, then reported together by {@link ConfigError}, so
 * an operator fixes a broken `.env` in one pass. Secrets have no default value
 * anywhere: a missing or weak secret is a start-up error, never a fallback.
 * Messages name the variable and the rule, never the value.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { isRepeatedBlock, parseMasterKey, type MasterKeyProblem } from './secrets.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Argon2Settings {
  /** Memory cost in KiB (OWASP minimum for argon2id: 19 MiB). */
  readonly memoryKiB: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

export interface RateLimitSettings {
  readonly max: number;
  readonly windowMs: number;
}

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  /** `false`, or what Fastify's `trustProxy` takes: hop count or address list. */
  readonly trustProxy: boolean | number | string;
  readonly publicOrigin: string | undefined;
  readonly platformDatabaseUrl: string;
  readonly vaultDatabaseUrl: string;
  /** Raw 32-byte master keys: the current one first, then previous ones. */
  readonly masterKeys: readonly Buffer[];
  readonly jwtSecret: Buffer;
  readonly argon2: Argon2Settings;
  /** Hashes allowed to run at once, and how many may wait behind them. */
  readonly hashConcurrency: number;
  readonly hashQueue: number;
  readonly lockout: { readonly threshold: number; readonly durationMs: number };
  readonly rateLimits: {
    readonly signup: RateLimitSettings;
    readonly login: RateLimitSettings;
    readonly refresh: RateLimitSettings;
    readonly mfa: RateLimitSettings;
    readonly api: RateLimitSettings;
  };
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly cookieSecure: boolean;
  readonly corsOrigins: readonly string[];
  readonly redisUrl: string | undefined;
  /** Prefix of every rate-limit key in Redis, so deployments (or tests) sharing one Redis stay apart. */
  readonly rateLimitRedisPrefix: string;
  readonly databasePoolSize: number;
  /** Vault rows deleted per batch when an account is purged. */
  readonly purgeBatchSize: number;
  /** Benchmarks only: serve the unauthenticated `/api/bench/*` routes (see bench/). */
  readonly benchBareRoute: boolean;
  /** Absolute path of the built web client (index.html, assets/) served at `/`. */
  readonly webRoot: string;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      `Daybook cannot start: the configuration has ${problems.length} problem(s):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];
/**
 * `dist/web` of this install, where `npm run build:web` writes the web client.
 * Two levels up from here both in src/config/ and, compiled, in dist/config/.
 */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web', import.meta.url));

const HOW_TO_MAKE_A_KEY = 'generate one with `openssl rand -hex 32` or `npx daybook init`';

/** Reads `NAME`, or the file named by `NAME_FILE` (container secrets). */
function readSecret(env: Env, name: string, problems: string[]): string | undefined {
  const direct = env[name];
  const file = env[`${name}_FILE`];
  if (direct !== undefined && direct !== '' && file !== undefined && file !== '') {
    problems.push(`${name} and ${name}_FILE are both set; set only one`);
    return undefined;
  }
  if (file !== undefined && file !== '') {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch {
      problems.push(`${name}_FILE names a file that cannot be read`);
      return undefined;
    }
  }
  return direct === '' ? undefined : direct;
}

function describeKeyProblem(name: string, problem: MasterKeyProblem): string {
  const reasons: Record<MasterKeyProblem, string> = {
    missing: 'is not set',
    length: 'must be exactly 64 hex characters (256 bits)',
    hex: 'must contain only hex characters 0-9 and a-f',
    weak: 'is a short pattern repeated, which is no secret at all',
  };
  return `${name} ${reasons[problem]}; ${HOW_TO_MAKE_A_KEY}`;
}

/** A JWT secret must carry at least 256 bits: 64+ hex characters or 43+ base64url characters. */
function parseJwtSecret(value: string | undefined): Buffer | string {
  if (value === undefined) return 'JWT_SECRET is not set; generate one with `openssl rand -hex 32`';
  let bytes: Buffer;
  if (/^[0-9a-fA-F]+$/.test(value) && value.length % 2 === 0) {
    bytes = Buffer.from(value, 'hex');
  } else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    bytes = Buffer.from(value, 'base64url');
  } else {
    return 'JWT_SECRET must be hex or base64 text';
  }
  if (bytes.length < 32) {
    return 'JWT_SECRET must carry at least 256 bits (64 hex or 43 base64 characters); generate one with `openssl rand -hex 32`';
  }
  // The text too: a pattern typed in base64 need not repeat on byte boundaries.
  if (isRepeatedBlock(bytes) || isRepeatedBlock(Buffer.from(value))) {
    return 'JWT_SECRET is a short pattern repeated, which is no secret at all; generate one with `openssl rand -hex 32`';
  }
  return bytes;
}

class Reader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  string(name: string, fallback: string): string {
    const value = this.env[name];
    return value === undefined || value === '' ? fallback : value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return Number(raw);
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    this.problems.push(`${name} must be true or false`);
    return fallback;
  }

  databaseUrl(name: string, fallback: string): string {
    const value = this.string(name, fallback);
    if (!/^sqlite:.+/.test(value) && !/^postgres(ql)?:\/\/.+/.test(value)) {
      this.problems.push(`${name} must start with sqlite: or postgres://`);
    }
    return value;
  }

  rateLimit(prefix: string, max: number, windowMinutes: number): RateLimitSettings {
    return {
      max: this.integer(`${prefix}_MAX`, max, 1, 1_000_000),
      windowMs: this.integer(`${prefix}_WINDOW_MINUTES`, windowMinutes, 1, 24 * 60) * 60_000,
    };
  }
}

function parseTrustProxy(raw: string | undefined, problems: string[]): boolean | number | string {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  // Addresses, CIDR ranges and proxy-addr's named ranges (loopback, linklocal, uniquelocal).
  const parts = raw.split(',').map((p) => p.trim());
  const named = ['loopback', 'linklocal', 'uniquelocal'];
  if (parts.every((p) => named.includes(p) || /^[0-9a-fA-F.:/]+$/.test(p))) return parts.join(',');
  problems.push(
    'TRUST_PROXY must be false, true, a hop count, or a comma-separated list of addresses, ranges or loopback/linklocal/uniquelocal',
  );
  return false;
}

function parseOrigin(
  raw: string | undefined,
  name: string,
  problems: string[],
): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  try {
    const url = new URL(raw);
    if (
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.origin !== raw.replace(/\/$/, '').toLowerCase()
    ) {
      throw new Error('not an origin');
    }
    return url.origin;
  } catch {
    problems.push(`${name} must be an origin such as https://journal.example.org`);
    return undefined;
  }
}

/** Builds the frozen configuration from an environment, or throws {@link ConfigError}. */
export function loadConfig(env: Env = process.env): Config {
  const read = new Reader(env);
  const problems = read.problems;

  const masterKeys: Buffer[] = [];
  const current = parseMasterKey(readSecret(env, 'MASTER_ENCRYPTION_KEY', problems));
  if (typeof current === 'string') {
    problems.push(describeKeyProblem('MASTER_ENCRYPTION_KEY', current));
  } else {
    masterKeys.push(current);
  }
  const previousRaw = readSecret(env, 'MASTER_ENCRYPTION_KEY_PREVIOUS', problems);
  for (const part of (previousRaw ?? '').split(',').filter((p) => p.trim() !== '')) {
    const previous = parseMasterKey(part.trim());
    if (typeof previous === 'string') {
      problems.push(describeKeyProblem('MASTER_ENCRYPTION_KEY_PREVIOUS', previous));
    } else {
      masterKeys.push(previous);
    }
  }

  const jwt = parseJwtSecret(readSecret(env, 'JWT_SECRET', problems));
  if (typeof jwt === 'string') {
    problems.push(jwt);
  } else if (masterKeys.some((key) => jwt.equals(key))) {
    problems.push(
      'JWT_SECRET must differ from MASTER_ENCRYPTION_KEY and MASTER_ENCRYPTION_KEY_PREVIOUS',
    );
  }

  const logLevel = read.string('LOG_LEVEL', 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const cores = availableParallelism();
  const corsOrigins = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  if (corsOrigins.includes('*')) {
    problems.push('CORS_ORIGINS may not contain *: list the allowed origins');
  }

  const config: Config = {
    host: read.string('HOST', '127.0.0.1'),
    port: read.integer('PORT', 3000, 0, 65535),
    logLevel,
    trustProxy: parseTrustProxy(env.TRUST_PROXY, problems),
    publicOrigin: parseOrigin(env.PUBLIC_ORIGIN, 'PUBLIC_ORIGIN', problems),
    platformDatabaseUrl: read.databaseUrl('PLATFORM_DATABASE_URL', 'sqlite:./data/platform.db'),
    vaultDatabaseUrl: read.databaseUrl('VAULT_DATABASE_URL', 'sqlite:./data/vault.db'),
    masterKeys,
    jwtSecret: typeof jwt === 'string' ? Buffer.alloc(0) : jwt,
    argon2: {
      memoryKiB: read.integer('ARGON2_MEMORY_KIB', 19_456, 1024, 4_194_304),
      timeCost: read.integer('ARGON2_TIME_COST', 2, 1, 100),
      parallelism: read.integer('ARGON2_PARALLELISM', 1, 1, 16),
    },
    hashConcurrency: read.integer('HASH_CONCURRENCY', cores, 1, 256),
    hashQueue: read.integer('HASH_QUEUE', cores * 4, 0, 10_000),
    lockout: {
      threshold: read.integer('LOCKOUT_THRESHOLD', 5, 1, 1000),
      durationMs: read.integer('LOCKOUT_MINUTES', 15, 1, 24 * 60) * 60_000,
    },
    rateLimits: {
      signup: read.rateLimit('RATE_LIMIT_SIGNUP', 5, 15),
      login: read.rateLimit('RATE_LIMIT_LOGIN', 5, 15),
      // Refresh tokens are 256 random bits, so this only bounds the work one
      // address can cause; it allows many devices behind one address.
      refresh: read.rateLimit('RATE_LIMIT_REFRESH', 30, 15),
      mfa: read.rateLimit('RATE_LIMIT_MFA', 3, 5),
      api: read.rateLimit('RATE_LIMIT_API', 600, 1),
    },
    accessTokenTtlSeconds: read.integer('ACCESS_TOKEN_TTL_SECONDS', 15 * 60, 10, 15 * 60),
    refreshTokenTtlSeconds: read.integer('REFRESH_TOKEN_TTL_SECONDS', 7 * 86_400, 60, 7 * 86_400),
    cookieSecure: read.boolean('COOKIE_SECURE', true),
    corsOrigins,
    redisUrl: env.REDIS_URL === '' ? undefined : env.REDIS_URL,
    rateLimitRedisPrefix: read.string('RATE_LIMIT_REDIS_PREFIX', 'daybook:rl:'),
    databasePoolSize: read.integer('DATABASE_POOL_SIZE', 10, 1, 1000),
    purgeBatchSize: read.integer('PURGE_BATCH_SIZE', 500, 1, 100_000),
    benchBareRoute: read.boolean('BENCH_BARE_ROUTE', false),
    // A relative path is taken from the working directory.
    webRoot: resolve(read.string('WEB_ROOT', DEFAULT_WEB_ROOT)),
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
