/**
 * The `daybook` command: `init`, `migrate` and `serve` (DESIGN.md section 9).
 *
 * `init` writes `.env` with fresh random secrets (mode 0600, never over an
 * existing file) and migrates both databases; `migrate` applies migrations;
 * `serve` starts the server. A configuration problem prints the
 * {@link ConfigError} message, never a stack trace, and exits 1.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { ConfigError, loadConfig, type Config } from './config/config.ts';
import { loadEnvFile } from './config/env-file.ts';
import { envFileText } from './config/env-template.ts';
import { parseMasterKey } from './config/secrets.ts';
import { isMainModule } from './is-main.ts';

const ENV_FILE = '.env';

/** An error whose message is meant for the operator; printed without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

interface Command {
  readonly summary: string;
  readonly help: string;
  /** Words the command takes after its name (`keys rotate`); none when absent. */
  readonly subcommands?: readonly string[];
  run(rest: readonly string[], options: CliOptions): Promise<void>;
}

interface CliOptions {
  readonly batchSize: number | undefined;
}

const COMMANDS: Record<string, Command> = {
  init: {
    summary: 'write .env with fresh random secrets and create the databases',
    help: `Usage: daybook init

Writes .env in the current directory with a fresh random MASTER_ENCRYPTION_KEY
and JWT_SECRET (32 random bytes each, as hex) and commented defaults for every
other setting, readable by you alone (mode 0600). Then creates and migrates the
platform and vault databases it names.

init never overwrites an existing .env: it stops with an error instead, since
replacing the master key would make every existing journal unreadable.

Back up MASTER_ENCRYPTION_KEY somewhere safe, apart from the databases.
`,
    run: init,
  },
  migrate: {
    summary: 'apply database migrations to both databases',
    help: `Usage: daybook migrate

Loads .env (if present) and the environment, validates the configuration, and
applies every pending migration to the platform and vault databases
(PLATFORM_DATABASE_URL, VAULT_DATABASE_URL). Safe to run again: applied
migrations are skipped. The server also migrates at start-up.
`,
    run: migrate,
  },
  serve: {
    summary: 'start the HTTP server',
    help: `Usage: daybook serve

Loads .env (if present) and the environment, validates the configuration,
migrates both databases and serves the API on HOST:PORT (default
127.0.0.1:3000). SIGTERM or SIGINT stops it gracefully: no new connections,
in-flight requests finish, database pools close.
`,
    async run() {
      const { serve } = await import('./server.ts');
      await serve();
    },
  },
  keys: {
    summary: 'master key rotation: `keys status`, `keys rotate`',
    subcommands: ['status', 'rotate'],
    help: `Usage: daybook keys status
       daybook keys rotate [--batch-size N]

status  shows how many data keys are wrapped under each master key id, and
        which id is the current MASTER_ENCRYPTION_KEY or a previous one.

rotate  re-wraps every user's data key and recomputes every email index
        under the current MASTER_ENCRYPTION_KEY. Put the new key in
        MASTER_ENCRYPTION_KEY and the old one in MASTER_ENCRYPTION_KEY_PREVIOUS
        (restart the servers with both first, so they keep serving), then run
        this. Work goes in batches (default 100 users), one transaction each;
        a run that is interrupted resumes where it stopped when run again.
        When status shows every key under the current id, remove the old key
        from MASTER_ENCRYPTION_KEY_PREVIOUS.
`,
    run: keys,
  },
};

function topHelp(): string {
  const commands = Object.entries(COMMANDS)
    .map(([name, command]) => `  ${name.padEnd(9)} ${command.summary}`)
    .join('\n');
  return `Usage: daybook <command> [--help]

Daybook: a private journal server; everything you write is encrypted at rest.

Commands:
${commands}

Options:
  -h, --help  show help (also after a command: daybook init --help)

Configuration comes from the environment and from .env in the current
directory (variables already set in the environment win); see .env.example.
`;
}

/** Two distinct secrets, each 32 random bytes as 64 hex characters, and a valid master key. */
function freshSecrets(): { masterEncryptionKey: string; jwtSecret: string } {
  for (;;) {
    const masterEncryptionKey = randomBytes(32).toString('hex');
    const jwtSecret = randomBytes(32).toString('hex');
    if (
      jwtSecret !== masterEncryptionKey &&
      typeof parseMasterKey(masterEncryptionKey) !== 'string'
    ) {
      return { masterEncryptionKey, jwtSecret };
    }
  }
}

/** Creates `path` with mode 0600, refusing to replace an existing file. */
function writeNewPrivateFile(path: string, text: string): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliError(
        `${resolve(path)} already exists; daybook init never overwrites it (its master key may ` +
          'be the only way to read existing journals). Run `daybook migrate` to migrate with it, ' +
          'or move it away first to start afresh.',
      );
    }
    throw err;
  }
  try {
    // The mode given to open is reduced by the umask; set it exactly.
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
  } catch (err) {
    closeSync(fd);
    unlinkSync(path);
    throw err;
  }
  closeSync(fd);
}

/** A database URL fit for the terminal: a PostgreSQL password is masked. */
function displayUrl(url: string): string {
  if (url.startsWith('sqlite:')) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '****';
    return parsed.toString();
  } catch {
    return 'postgres://…';
  }
}

function readConfig(): Config {
  loadEnvFile(ENV_FILE);
  return loadConfig();
}

async function migrateWith(config: Config): Promise<void> {
  // Imported here so that --help does not load the server, Fastify and the database drivers.
  const { closeDeps, openDeps } = await import('./server.ts');
  const deps = await openDeps(config);
  await closeDeps(deps);
  process.stdout.write(
    `Migrated the platform database (${displayUrl(config.platformDatabaseUrl)}) ` +
      `and the vault database (${displayUrl(config.vaultDatabaseUrl)}).\n`,
  );
}

async function init(): Promise<void> {
  writeNewPrivateFile(ENV_FILE, envFileText(freshSecrets()));
  process.stdout.write(
    `Wrote ${resolve(ENV_FILE)} (mode 0600) with a fresh MASTER_ENCRYPTION_KEY and JWT_SECRET.\n` +
      'Back up MASTER_ENCRYPTION_KEY somewhere safe: without it no journal can be read.\n',
  );
  // Variables already in the environment win over .env; say so rather than surprise.
  const shadowed = [
    'MASTER_ENCRYPTION_KEY',
    'JWT_SECRET',
    'MASTER_ENCRYPTION_KEY_FILE',
    'JWT_SECRET_FILE',
  ].filter((name) => (process.env[name] ?? '') !== '');
  if (shadowed.length > 0) {
    process.stderr.write(
      `daybook: note: ${shadowed.join(', ')} ${shadowed.length > 1 ? 'are' : 'is'} set in the ` +
        'environment and will override the new .env until unset.\n',
    );
  }
  await migrateWith(readConfig());
  process.stdout.write('Ready: start the server with `npm start` (or `npx daybook serve`).\n');
}

async function migrate(): Promise<void> {
  await migrateWith(readConfig());
}

/** A progress line: a bar on a terminal, one plain line per batch elsewhere. */
function progress(done: number, total: number): void {
  if (process.stderr.isTTY) {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}`);
  } else {
    process.stdout.write(`rotated ${done}/${total}\n`);
  }
}

async function keys(rest: readonly string[], options: CliOptions): Promise<void> {
  const config = readConfig();
  const { closeDeps, openDeps } = await import('./server.ts');
  const rotation = await import('./auth/keys/key-rotation.ts');
  const deps = await openDeps(config);
  try {
    const db = deps.platform.db;
    const ring = deps.keyRing;
    if (rest[0] === 'rotate') {
      const moved = await rotation.rotateAll(db, ring, {
        batchSize: options.batchSize ?? 100,
        onProgress: ({ done, total }) => progress(done, total),
      });
      if (process.stderr.isTTY && moved > 0) process.stderr.write('\n');
      process.stdout.write(`Rotated ${moved} user(s) to master key ${ring.current.id}.\n`);
    }
    const status = await rotation.keyStatus(db);
    const label = (id: string) =>
      id === ring.current.id
        ? 'current'
        : ring.get(id)
          ? 'previous'
          : 'UNKNOWN: not in the key ring';
    process.stdout.write('key id            users  role\n');
    for (const row of status) {
      process.stdout.write(`${row.keyId}  ${String(row.users).padStart(5)}  ${label(row.keyId)}\n`);
    }
    const stale = await rotation.countStale(db, ring);
    process.stdout.write(
      stale === 0
        ? 'Every data key and email index is under the current master key.\n'
        : `${stale} user(s) still under an older key: run \`daybook keys rotate\`.\n`,
    );
  } finally {
    await closeDeps(deps);
  }
}

function parse(args: readonly string[]): {
  help: boolean;
  positionals: string[];
  options: CliOptions;
} {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { help: { type: 'boolean', short: 'h' }, 'batch-size': { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    // Node's message goes on about positionals after '--'; its first sentence says it all.
    const first = (err as Error).message.split('. ')[0] ?? 'invalid arguments';
    throw new CliError(`${first}\nRun \`daybook --help\` for usage.`, 2);
  }
  const { values, positionals } = parsed;
  const batch = values['batch-size'];
  if (
    batch !== undefined &&
    (!/^\d+$/.test(batch) || Number(batch) < 1 || Number(batch) > 10_000)
  ) {
    throw new CliError('--batch-size takes a whole number from 1 to 10000', 2);
  }
  return {
    help: values.help === true,
    positionals,
    options: { batchSize: batch === undefined ? undefined : Number(batch) },
  };
}

/** Runs the command line `args` (without node and script); resolves when the command is done. */
export async function main(args: readonly string[]): Promise<void> {
  const { help, positionals, options } = parse(args);
  const [name, ...rest] = positionals;
  if (name === undefined) {
    if (help) {
      process.stdout.write(topHelp());
      return;
    }
    throw new CliError(`a command is required\n\n${topHelp()}`, 2);
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    throw new CliError(`unknown command "${name}"\n\n${topHelp()}`, 2);
  }
  if (help) {
    process.stdout.write(command.help);
    return;
  }
  const allowed = command.subcommands ?? [];
  if (
    allowed.length === 0 ? rest.length > 0 : rest.length !== 1 || !allowed.includes(rest[0] ?? '')
  ) {
    throw new CliError(`daybook ${name}: unexpected arguments\n\n${command.help}`, 2);
  }
  await command.run(rest, options);
}

/** Reports a failure as one clear message (never a stack trace) and sets the exit code. */
export function reportFailure(err: unknown): void {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
  } else if (err instanceof CliError) {
    process.stderr.write(`daybook: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    const message = err instanceof Error ? err.message : String(err);
    const cause =
      err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    process.stderr.write(`daybook: ${message}${cause}\n`);
    process.exitCode = 1;
  }
}

export function run(args: readonly string[] = process.argv.slice(2)): void {
  // `daybook --help | head`: a closed pipe is no failure of ours.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  main(args).catch(reportFailure);
}

// `node --import tsx src/cli.ts …` (npm run setup); bin/daybook.js calls run() itself.
if (isMainModule(import.meta.url)) {
  run();
}
