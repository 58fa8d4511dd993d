/**
 * `npm run bench`: starts the real server as `npm start` does (the built
 * `dist/server.js`, with the environment and node flags it sets) on 127.0.0.1 with a
 * temporary data directory, fresh random secrets, production argon2
 * parameters and rate limits raised for the run; seeds it (bench/seed.ts),
 * in that environment too; drives each scenario
 * with wrk (or autocannon) on loopback; prints one table and writes it as
 * JSON and Markdown under bench/results/ (not committed). Numbers are
 * reported, never asserted. Knobs, all optional:
 *
 *   BENCH_DURATION=10          seconds measured per scenario
 *   BENCH_WARMUP=2             seconds of unmeasured load before each
 *   BENCH_CONNECTIONS=50       connections for the HTTP scenarios
 *   BENCH_LOGIN_CONNECTIONS    connections for login (default: hash concurrency + queue - 2)
 *   BENCH_SEARCH_CONNECTIONS=1 connections for search (latency of one search)
 *   BENCH_USERS=4              seeded users, ten years of entries each
 *   BENCH_ROUNDS=1             repeat every scenario (memory growth across runs)
 *   BENCH_LOADGEN=wrk|autocannon  force a load generator (default: wrk if installed)
 *   BENCH_LOG_LEVEL=warn       the server's LOG_LEVEL during the run
 *   BENCH_CPU_PROF=1           run the server under --cpu-prof (profiles in bench/results/profiles)
 *   BENCH_KEEP_DATA=1          keep the temporary data directory
 *   BENCH_ONLY=read,login      run only the scenarios whose names start with these
 *   BENCH_SETTLE_MS=1000       pause after each load, so requests left queued finish
 *   BENCH_NICE=-5              run the server and wrk under `nice` (a busy shared machine)
 *   BENCH_SERVER_<NAME>=value  passed to the server as <NAME> (e.g. BENCH_SERVER_HASH_CONCURRENCY=1,
 *                              BENCH_SERVER_MALLOC_MMAP_THRESHOLD_=1048576)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { addDays } from '../src/journal/calendar.ts';
import { chooseGenerator, niced, type LoadGenerator, type Measured, type Plan } from './load.ts';
import { cpuSecondsOf, memoryOf, MemorySampler, round, startScript } from './proc.ts';
import {
  markdownReport,
  notes,
  summaryLines,
  targetLines,
  textTable,
  type Report,
  type ScenarioResult,
  type Target,
} from './report.ts';
import type { SeedResult } from './seed.ts';
import { entryContent, prng, title } from './text.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'bench', 'results');
const CORES = availableParallelism();

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number`);
  return value;
}

/** BENCH_SERVER_<NAME>=value: extra environment for the server (and the seed). */
const serverOverrides: Record<string, string> = Object.fromEntries(
  Object.entries(process.env)
    .filter(([name, value]) => name.startsWith('BENCH_SERVER_') && value !== undefined)
    .map(([name, value]) => [name.slice('BENCH_SERVER_'.length), value ?? '']),
);

// The server's hashing gate (config defaults: one hash per core, four per core waiting).
const HASH_CONCURRENCY = Number(serverOverrides.HASH_CONCURRENCY ?? CORES);
const HASH_QUEUE = Number(serverOverrides.HASH_QUEUE ?? CORES * 4);

const settings = {
  duration: setting('BENCH_DURATION', 10),
  warmup: setting('BENCH_WARMUP', 2),
  connections: setting('BENCH_CONNECTIONS', 50),
  // Fewer logins in flight than the gate holds keeps the cap full without 503s.
  loginConnections: setting(
    'BENCH_LOGIN_CONNECTIONS',
    Math.max(HASH_CONCURRENCY, HASH_CONCURRENCY + HASH_QUEUE - 2),
  ),
  searchConnections: setting('BENCH_SEARCH_CONNECTIONS', 1),
  users: setting('BENCH_USERS', 4),
  rounds: Math.max(1, setting('BENCH_ROUNDS', 1)),
  logLevel: process.env.BENCH_LOG_LEVEL ?? 'warn',
  cpuProfile: process.env.BENCH_CPU_PROF === '1',
  keepData: process.env.BENCH_KEEP_DATA === '1',
  only: (process.env.BENCH_ONLY ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== ''),
  settleMs: setting('BENCH_SETTLE_MS', 1000),
};

const selected = (name: string) =>
  settings.only.length === 0 || settings.only.some((prefix) => name.startsWith(prefix));
const pctOf = (share: number | undefined) =>
  share === undefined ? 'n/a' : `${(share * 100).toFixed(1)}%`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

/** The environment and node flags `npm start` gives the server, read from package.json. */
const START = startScript(join(ROOT, 'package.json'));

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** `node --import tsx <script>`, with tsx resolved from this checkout whatever the cwd. */
function nodeArgs(script: string, extra: readonly string[] = []): string[] {
  return ['--import', import.meta.resolve('tsx'), ...extra, join(ROOT, script)];
}

/**
 * The server's node arguments as `npm start` gives them: its flags and entry
 * script (built JavaScript, compiled first by the same step as npm's
 * prestart when src/ is newer), or a TypeScript entry through tsx.
 */
function serverArgs(extra: readonly string[]): string[] {
  const flags = [...START.nodeFlags, ...extra];
  if (START.entry.endsWith('.ts')) return nodeArgs(START.entry, flags);
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-if-stale.mjs')], {
    stdio: 'inherit',
  });
  if (built.status !== 0)
    throw new Error('could not compile the server (scripts/build-if-stale.mjs)');
  return [...flags, join(ROOT, START.entry)];
}

function runToEnd(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const [command, commandArgs] = niced(process.execPath, args);
    const child = spawn(command, commandArgs, {
      env,
      cwd,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolveRun() : reject(new Error(`${args.join(' ')} exited ${code}`)),
    );
  });
}

async function waitForHealth(base: string, server: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) break;
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `the server did not become healthy; its log:\n${readFileSync(logFile, 'utf8').slice(-4000)}`,
  );
}

interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
}

async function login(base: string, user: { email: string; password: string }): Promise<Tokens> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as Tokens;
}

/** `count` sessions spread over the users, a few logins at a time. */
async function loginMany(base: string, seed: SeedResult, count: number): Promise<Tokens[]> {
  const out: Tokens[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const user = seed.users[next++ % seed.users.length];
      if (user) out.push(await login(base, user));
    }
  };
  await Promise.all(Array.from({ length: CORES }, worker));
  return out;
}

interface LoopStats {
  delayMs: { p99: number; max: number };
  rssMiB: number;
  heapUsedMiB: number;
}

async function loopStats(base: string): Promise<LoopStats> {
  const res = await fetch(`${base}/api/bench/loop`);
  return (await res.json()) as LoopStats;
}

async function main(): Promise<void> {
  const started = Date.now();
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg().map((v) => round(v, 2));
  const generator: LoadGenerator = chooseGenerator();
  log(
    `load generator: ${generator.name}${generator.name === 'autocannon' ? ' (install wrk for a lighter one: apt-get install wrk)' : ''}`,
  );
  if (loadBefore[0] !== undefined && loadBefore[0] > CORES * 0.5) {
    log(
      `warning: load average ${loadBefore[0]} on ${CORES} cores; other work will skew the numbers`,
    );
  }

  const dir = mkdtempSync(join(tmpdir(), 'daybook-bench-'));
  mkdirSync(RESULTS, { recursive: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    MASTER_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    PLATFORM_DATABASE_URL: `sqlite:${join(dir, 'platform.db')}`,
    VAULT_DATABASE_URL: `sqlite:${join(dir, 'vault.db')}`,
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: settings.logLevel,
    RATE_LIMIT_SIGNUP_MAX: '1000000',
    RATE_LIMIT_LOGIN_MAX: '1000000',
    RATE_LIMIT_REFRESH_MAX: '1000000',
    RATE_LIMIT_MFA_MAX: '1000000',
    RATE_LIMIT_API_MAX: '1000000',
    // Attempts are counted before the verify, so many logins to one account at
    // once would lock it: raised like the rate limits (the storm is the point).
    LOCKOUT_THRESHOLD: '1000',
    BENCH_BARE_ROUTE: 'true',
    BENCH_USERS: String(settings.users),
    ...START.env,
    ...serverOverrides,
  };

  let server: ChildProcess | undefined;
  const stopServer = async () => {
    if (!server || server.exitCode !== null) return;
    const exited = new Promise((r) => server?.once('exit', r));
    server.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
  };
  process.once('SIGINT', () => {
    void stopServer().then(() => process.exit(130));
  });

  try {
    log(`seeding ${settings.users} users x 3650 days into ${dir}`);
    const seedFile = join(dir, 'seed.json');
    await runToEnd(nodeArgs('bench/seed.ts', []).concat(seedFile), env, dir);
    const seed = JSON.parse(readFileSync(seedFile, 'utf8')) as SeedResult;
    log(`seeded in ${seed.seconds} s; one argon2id verify: ${seed.argon2.verifyCpuMs} ms CPU`);

    const profileDir = join(RESULTS, 'profiles');
    const profArgs = settings.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const logFile = join(dir, 'server.log');
    const out = openSync(logFile, 'a');
    const [command, commandArgs] = niced(process.execPath, serverArgs(profArgs));
    server = spawn(command, commandArgs, {
      env,
      cwd: dir,
      stdio: ['ignore', out, out],
    });
    const pid = server.pid;
    if (pid === undefined) throw new Error('the server did not start');
    await waitForHealth(base, server, logFile);
    const before = memoryOf(pid);
    const sampler = new MemorySampler(pid);
    sampler.start();
    log(`server ${pid} on ${base}, RSS ${before?.rssMiB ?? 'n/a'} MiB`);

    // Request lists, random but fixed for the run.
    const random = prng(42);
    const day = (min = 0) =>
      addDays(seed.firstDate, min + Math.floor(random() * (seed.days - min)));
    const readPaths = Array.from({ length: 2000 }, () => `/api/entries/${day()}`);
    const listPaths = Array.from({ length: 500 }, () => {
      const to = day(59);
      return `/api/entries?from=${addDays(to, -59)}&to=${to}&limit=30`;
    });
    const writeBodies = Array.from({ length: 16 }, () =>
      JSON.stringify({ title: title(random), content: entryContent(random) }),
    );
    const loginBodies = seed.users.map((u) =>
      JSON.stringify({ email: u.email, password: u.password }),
    );
    const bearer = async () =>
      (await Promise.all(seed.users.map((u) => login(base, u)))).map(
        (t) => `Bearer ${t.accessToken}`,
      );

    // The argon2 limit is cores / one verify's CPU time. The machine's speed
    // drifts by a fifth over minutes here, so the verify is timed again right
    // before and after each login scenario, in the server's environment, and
    // the login share is taken against the mean of those two.
    let verifyCpuMs = seed.argon2.verifyCpuMs;
    let limitPerSecond = CORES / (verifyCpuMs / 1000);
    const timeVerify = async (): Promise<number> => {
      const file = join(dir, 'hash.json');
      await runToEnd(nodeArgs('bench/seed.ts', []).concat('--hash-only', file), env, dir);
      return (JSON.parse(readFileSync(file, 'utf8')) as SeedResult['argon2']).verifyCpuMs;
    };
    const runOne = async (plan: Plan, connections: number, seconds: number): Promise<Measured> => {
      const measured = await generator.run(plan, {
        baseUrl: base,
        connections,
        seconds,
        workDir: dir,
      });
      if ((measured.spent ?? 0) > 0) log(`${measured.spent} requests went out with no token left`);
      return measured;
    };
    // A load generator that stops leaves requests queued in the server (argon2
    // waits behind its gate): let them finish before the next measurement.
    // After logins, one more login is a barrier: the hashing gate is first in,
    // first out, so when it answers, every login left queued ahead of it has run.
    const settle = async (afterLogins = false) => {
      await sleep(settings.settleMs);
      const first = seed.users[0];
      if (afterLogins && first) await login(base, first);
    };

    interface Spec {
      readonly name: string;
      readonly what: string;
      readonly connections: number;
      readonly plan: () => Promise<Plan>;
    }
    const specs: Spec[] = [
      {
        name: 'bare',
        what: 'GET /api/bench/bare: small JSON, no auth, no database (the ceiling)',
        connections: settings.connections,
        plan: async () => ({ type: 'random', method: 'GET', paths: ['/api/bench/bare'] }),
      },
      {
        name: 'read entry',
        what: 'GET /api/entries/:date, random day and user',
        connections: settings.connections,
        plan: async () => ({
          type: 'random',
          method: 'GET',
          paths: readPaths,
          authorizations: await bearer(),
        }),
      },
      {
        name: 'list entries',
        what: 'GET /api/entries, a page of 30 in a random 60-day window',
        connections: settings.connections,
        plan: async () => ({
          type: 'random',
          method: 'GET',
          paths: listPaths,
          authorizations: await bearer(),
        }),
      },
      {
        name: 'write entry',
        what: 'PATCH /api/entries/:date with ~1.9 KiB of content, random day and user',
        connections: settings.connections,
        plan: async () => ({
          type: 'random',
          method: 'PATCH',
          paths: readPaths,
          authorizations: await bearer(),
          bodies: writeBodies,
        }),
      },
      {
        name: 'search',
        what: `GET /api/entries/search?q=${seed.rareWord}: only the oldest entry matches, all ${seed.days} are decrypted`,
        connections: settings.searchConnections,
        plan: async () => ({
          type: 'random',
          method: 'GET',
          paths: [`/api/entries/search?q=${seed.rareWord}`],
          authorizations: await bearer(),
        }),
      },
      {
        name: 'login',
        what: 'POST /api/auth/login: argon2id verify, session, tokens',
        connections: settings.loginConnections,
        plan: async () => ({
          type: 'random',
          method: 'POST',
          paths: ['/api/auth/login'],
          bodies: loginBodies,
        }),
      },
      {
        name: 'refresh',
        what: 'POST /api/auth/refresh: rotation, each token used once, chained per connection',
        connections: settings.connections,
        plan: async () => ({
          type: 'refresh',
          path: '/api/auth/refresh',
          // One per connection, and one spare per wrk thread: wrk calls request()
          // once on its first thread to check the script, and that token is lost.
          tokens: (await loginMany(base, seed, settings.connections + CORES)).map(
            (t) => t.refreshToken,
          ),
        }),
      },
    ];

    const measure = async (
      spec: Spec,
      bareRps: number | undefined,
      bareCpuUs: number | undefined,
    ): Promise<{ result: ScenarioResult; measured: Measured }> => {
      if (settings.warmup > 0) {
        await runOne(await spec.plan(), spec.connections, settings.warmup);
        await settle(spec.name === 'login');
      }
      const plan = await spec.plan();
      await loopStats(base); // resets the event-loop histogram
      const cpu0 = cpuSecondsOf(pid);
      const measured = await runOne(plan, spec.connections, settings.duration);
      const cpu1 = cpuSecondsOf(pid);
      const loop = await loopStats(base);
      await settle(spec.name === 'login');
      return {
        result: toResult(
          spec,
          measured,
          { rps: bareRps, cpuUs: bareCpuUs },
          { before: cpu0, after: cpu1, shared: false },
          loop,
        ),
        measured,
      };
    };

    const toResult = (
      spec: { name: string; what: string; connections: number },
      measured: Measured,
      bare: { rps: number | undefined; cpuUs: number | undefined },
      cpu: { before: number | undefined; after: number | undefined; shared: boolean },
      loop: LoopStats,
      note?: string,
    ): ScenarioResult => {
      const cpuSeconds =
        cpu.before === undefined || cpu.after === undefined ? undefined : cpu.after - cpu.before;
      // CPU per request only when this load ran alone (mixed loads share the CPU).
      const cpuUs =
        cpuSeconds === undefined || cpu.shared || measured.requests === 0
          ? undefined
          : round((cpuSeconds * 1e6) / measured.requests, 0);
      return {
        name: spec.name,
        what: spec.what,
        connections: spec.connections,
        requests: measured.requests,
        rps: measured.rps,
        p50Ms: measured.p50Ms,
        p99Ms: measured.p99Ms,
        maxMs: measured.maxMs,
        ratioToBare:
          spec.name === 'bare' ? 1 : bare.rps ? round(measured.rps / bare.rps, 4) : undefined,
        cpuUsPerRequest: cpuUs,
        cpuRatioToBare:
          spec.name === 'bare'
            ? 1
            : bare.cpuUs !== undefined && cpuUs !== undefined && cpuUs > 0
              ? round(bare.cpuUs / cpuUs, 4)
              : undefined,
        badStatus: measured.badStatus,
        errors: measured.errors,
        serverCpuShare:
          cpuSeconds === undefined ? undefined : round(cpuSeconds / (measured.seconds * CORES), 3),
        loadgenCpuShare: measured.loadgenCpuShare,
        loopDelayP99Ms: loop.delayMs.p99,
        loopDelayMaxMs: loop.delayMs.max,
        rssAfterMiB: memoryOf(pid)?.rssMiB,
        heapUsedMiB: loop.heapUsedMiB,
        ...(note === undefined ? {} : { note }),
      };
    };

    const rounds: ScenarioResult[][] = [];
    const afterEachRound: (number | undefined)[] = [];
    for (let roundNo = 1; roundNo <= settings.rounds; roundNo++) {
      const results: ScenarioResult[] = [];
      let bareRps: number | undefined;
      let bareCpuUs: number | undefined;
      let soloRead: Measured | undefined;
      for (const spec of specs) {
        if (!selected(spec.name)) continue;
        log(
          `round ${roundNo}/${settings.rounds}: ${spec.name} (${spec.connections} connections, ${settings.duration} s)`,
        );
        const verifyBefore = spec.name === 'login' ? await timeVerify() : undefined;
        const { result, measured } = await measure(spec, bareRps, bareCpuUs);
        if (verifyBefore !== undefined) {
          const verifyAfter = await timeVerify();
          verifyCpuMs = round((verifyBefore + verifyAfter) / 2, 2);
          limitPerSecond = CORES / (verifyCpuMs / 1000);
          log(
            `argon2id verify ${verifyBefore} ms CPU before the login scenario, ${verifyAfter} ms after`,
          );
        }
        if (spec.name === 'bare') {
          bareRps = measured.rps;
          bareCpuUs = result.cpuUsPerRequest;
        }
        if (spec.name === 'read entry') soloRead = measured;
        let note: string | undefined;
        if (spec.name === 'login') {
          const cpuMs = (result.cpuUsPerRequest ?? 0) / 1000;
          note =
            `${measured.rps.toFixed(0)} logins/s = ${((measured.rps / limitPerSecond) * 100).toFixed(0)}% of the argon2 limit (${CORES} cores / ${verifyCpuMs} ms = ${limitPerSecond.toFixed(0)}/s)` +
            (cpuMs > 0
              ? `; each login cost ${cpuMs.toFixed(1)} ms of server CPU, of which the verify is ${((verifyCpuMs / cpuMs) * 100).toFixed(0)}%`
              : '');
        }
        if (spec.name === 'search') {
          note = `one search over ${seed.days} entries: p50 ${measured.p50Ms} ms, p99 ${measured.p99Ms} ms`;
        }
        results.push(note === undefined ? result : { ...result, note });
      }

      // Mixed: reads while a login storm keeps every hashing slot busy.
      const readSpec = specs.find((s) => s.name === 'read entry');
      const loginSpec = specs.find((s) => s.name === 'login');
      if (readSpec && loginSpec && selected('mixed')) {
        log(`round ${roundNo}/${settings.rounds}: mixed (reads during a login storm)`);
        if (settings.warmup > 0) {
          await Promise.all([
            runOne(await readSpec.plan(), readSpec.connections, settings.warmup),
            runOne(await loginSpec.plan(), loginSpec.connections, settings.warmup),
          ]);
          await settle(true);
        }
        const readPlan = await readSpec.plan();
        const loginPlan = await loginSpec.plan();
        await loopStats(base);
        const cpu0 = cpuSecondsOf(pid);
        const [reads, logins] = await Promise.all([
          runOne(readPlan, readSpec.connections, settings.duration),
          runOne(loginPlan, loginSpec.connections, settings.duration),
        ]);
        const cpu1 = cpuSecondsOf(pid);
        const loop = await loopStats(base);
        await settle(true);
        const cpu = { before: cpu0, after: cpu1, shared: true };
        const bare = { rps: bareRps, cpuUs: bareCpuUs };
        const soloShare = soloRead ? reads.rps / soloRead.rps : 0;
        results.push(
          toResult(
            {
              name: 'mixed: read',
              what: 'read entry while the login storm below runs',
              connections: readSpec.connections,
            },
            reads,
            bare,
            cpu,
            loop,
            `${(soloShare * 100).toFixed(0)}% of solo read throughput, p99 ${reads.p99Ms} ms, during ${logins.rps.toFixed(0)} logins/s (${((logins.rps / limitPerSecond) * 100).toFixed(0)}% of the argon2 limit)`,
          ),
          toResult(
            {
              name: 'mixed: login',
              what: 'the login storm, at the same time',
              connections: loginSpec.connections,
            },
            logins,
            bare,
            cpu,
            loop,
          ),
        );
      }
      rounds.push(results);
      afterEachRound.push(memoryOf(pid)?.rssMiB);
      process.stdout.write(`\nround ${roundNo}\n${textTable(results)}\n`);
    }

    const after = memoryOf(pid);
    sampler.stop();
    await stopServer();

    const last = rounds[rounds.length - 1] ?? [];
    const get = (name: string) => last.find((r) => r.name === name);
    const read = get('read entry');
    const write = get('write entry');
    const loginResult = get('login');
    const mixed = get('mixed: read');
    const search = get('search');
    const peak = after?.hwmMiB ?? sampler.peakRssMiB;
    const firstRound = afterEachRound[0];
    const lastRound = afterEachRound[afterEachRound.length - 1];
    const targets: Target[] = [
      {
        goal: 'read entry >= 30% of bare, p99 <= 20 ms at 50 connections',
        measured: read
          ? `${pctOf(read.ratioToBare)} of bare (${pctOf(read.cpuRatioToBare)} by CPU per request), p99 ${read.p99Ms} ms`
          : 'n/a',
        met:
          read?.ratioToBare === undefined ? undefined : read.ratioToBare >= 0.3 && read.p99Ms <= 20,
      },
      {
        goal: 'write entry >= 20% of bare',
        measured: write
          ? `${pctOf(write.ratioToBare)} of bare (${pctOf(write.cpuRatioToBare)} by CPU per request)`
          : 'n/a',
        met: write?.ratioToBare === undefined ? undefined : write.ratioToBare >= 0.2,
      },
      {
        goal: 'login >= 90% of the argon2 limit',
        measured: loginResult
          ? `${((loginResult.rps / limitPerSecond) * 100).toFixed(0)}% (${loginResult.rps.toFixed(0)} of ${limitPerSecond.toFixed(0)}/s)` +
            (loginResult.cpuUsPerRequest
              ? `; by CPU per login ${((verifyCpuMs * 1000 * 100) / loginResult.cpuUsPerRequest).toFixed(0)}%`
              : '')
          : 'n/a',
        met: loginResult ? loginResult.rps / limitPerSecond >= 0.9 : undefined,
      },
      {
        goal: 'mixed: reads keep >= 50% of solo throughput, p99 <= 50 ms',
        measured:
          mixed && read
            ? `${((mixed.rps / read.rps) * 100).toFixed(0)}%, p99 ${mixed.p99Ms} ms`
            : 'n/a',
        met: mixed && read ? mixed.rps / read.rps >= 0.5 && mixed.p99Ms <= 50 : undefined,
      },
      {
        goal: 'search over 3,650 entries < 100 ms',
        measured: search ? `p50 ${search.p50Ms} ms, p99 ${search.p99Ms} ms` : 'n/a',
        met: search ? search.p50Ms < 100 : undefined,
      },
      {
        goal: 'resident memory < 150 MB through the run, not growing across rounds',
        measured:
          `peak ${peak.toFixed(0)} MiB (${((peak * 1024 * 1024) / 1e6).toFixed(0)} MB)` +
          (afterEachRound.length > 1
            ? `; after each round ${afterEachRound.map((v) => v?.toFixed(0)).join(', ')} MiB`
            : ''),
        met:
          (peak * 1024 * 1024) / 1e6 < 150 &&
          (afterEachRound.length < 2 || (lastRound ?? 0) <= (firstRound ?? 0) * 1.1),
      },
    ];

    const report: Report = {
      startedAt,
      totalSeconds: round((Date.now() - started) / 1000, 0),
      machine: {
        cores: CORES,
        cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
        memoryGiB: round(totalmem() / 1024 ** 3, 0),
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        loadAverageBefore: loadBefore,
        loadAverageAfter: loadavg().map((v) => round(v, 2)),
      },
      settings: {
        loadGenerator: generator.name,
        durationSeconds: settings.duration,
        warmupSeconds: settings.warmup,
        connections: settings.connections,
        loginConnections: settings.loginConnections,
        searchConnections: settings.searchConnections,
        rounds: settings.rounds,
        serverLogLevel: settings.logLevel,
        uvThreadpoolSize: env.UV_THREADPOOL_SIZE ?? '',
        ...Object.fromEntries(
          Object.entries(START.env)
            .filter(([name]) => name !== 'UV_THREADPOOL_SIZE')
            .map(([name, value]) => [`start ${name}`, value]),
        ),
        ...(START.nodeFlags.length > 0 ? { nodeFlags: START.nodeFlags.join(' ') } : {}),
        serverEntry: START.entry,
        hashConcurrency: HASH_CONCURRENCY,
        hashQueue: HASH_QUEUE,
        cpuProfile: settings.cpuProfile,
        nice: process.env.BENCH_NICE ?? 'none',
        ...Object.fromEntries(
          Object.entries(serverOverrides).map(([name, value]) => [`server ${name}`, value]),
        ),
      },
      seed: {
        users: seed.users.length,
        entriesPerUser: seed.entries / seed.users.length,
        feelsPerUser: seed.feels / seed.users.length,
        averageContentChars: seed.averageContentChars,
        firstDate: seed.firstDate,
        lastDate: seed.lastDate,
        seconds: seed.seconds,
      },
      argon2: {
        memoryKiB: seed.argon2.memoryKiB,
        timeCost: seed.argon2.timeCost,
        parallelism: seed.argon2.parallelism,
        verifyWallMs: seed.argon2.verifyWallMs,
        verifyCpuMs: seed.argon2.verifyCpuMs,
        loginVerifyCpuMs: verifyCpuMs,
        limitPerSecond: round(limitPerSecond, 1),
      },
      memory: {
        beforeMiB: before?.rssMiB,
        afterMiB: after?.rssMiB,
        peakMiB: peak,
        afterEachRoundMiB: afterEachRound,
      },
      rounds,
      targets,
    };

    const stamp = startedAt.replace(/[:.]/g, '-');
    const markdown = markdownReport(report);
    writeFileSync(join(RESULTS, `bench-${stamp}.json`), JSON.stringify(report, null, 2));
    writeFileSync(join(RESULTS, `bench-${stamp}.md`), markdown);
    writeFileSync(join(RESULTS, 'latest.json'), JSON.stringify(report, null, 2));
    writeFileSync(join(RESULTS, 'latest.md'), markdown);

    process.stdout.write(
      [
        '',
        `Daybook benchmark (${generator.name}, ${settings.duration} s per scenario)`,
        '',
        textTable(last),
        '',
        ...notes(last),
        '',
        ...summaryLines(report),
        '',
        'targets (reported, not asserted):',
        ...targetLines(targets).map((l) => `  ${l}`),
        '',
        `written: bench/results/bench-${stamp}.json and .md (also latest.json, latest.md); ${report.totalSeconds} s in all`,
        '',
      ].join('\n'),
    );
  } finally {
    await stopServer();
    if (settings.keepData) log(`data kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
