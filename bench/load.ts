/**
 * Load generators behind one interface: `wrk` (a C program, about half the
 * CPU of autocannon on this machine) when it is installed, else autocannon
 * in this process. A plan says what each request is; both drivers pick the
 * parts of every request at random from the plan's lists.
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import autocannon from 'autocannon';

import { round } from './proc.ts';

/** Each request: a random path, a random Authorization value (if any), a random body (if any). */
export interface RandomPlan {
  readonly type: 'random';
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly paths: readonly string[];
  readonly authorizations?: readonly string[];
  readonly bodies?: readonly string[];
}

/**
 * Refresh-token rotation: each connection starts from a token of its own and
 * sends the token each answer returns, since a refresh token works once.
 * `tokens` needs one per connection.
 */
export interface RefreshPlan {
  readonly type: 'refresh';
  readonly path: string;
  readonly tokens: readonly string[];
}

export type Plan = RandomPlan | RefreshPlan;

export interface LoadOptions {
  readonly baseUrl: string;
  readonly connections: number;
  readonly seconds: number;
  /** Where wrk's Lua scripts are written. */
  readonly workDir: string;
}

export interface Measured {
  readonly requests: number;
  readonly seconds: number;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Answers with a status of 400 or more (wrk) / not 2xx (autocannon). */
  readonly badStatus: number;
  /** Connect, read, write errors and timeouts. */
  readonly errors: number;
  /** CPU the load generator used, as a share of all the machine's cores over the run. */
  readonly loadgenCpuShare: number;
  /** Refresh: requests sent with no live token left (a broken chain), counted in badStatus. */
  readonly spent?: number;
}

export interface LoadGenerator {
  readonly name: 'wrk' | 'autocannon';
  run(plan: Plan, options: LoadOptions): Promise<Measured>;
}

const CORES = availableParallelism();

/**
 * `BENCH_NICE=-5` (root only for a negative value) runs the server and wrk
 * through `nice`, so that other work on a shared machine disturbs the run
 * less; every thread inherits it from the start.
 */
export function niced(command: string, args: readonly string[]): [string, string[]] {
  const nice = process.env.BENCH_NICE;
  if (nice === undefined || nice === '') return [command, [...args]];
  if (!/^-?\d+$/.test(nice)) throw new Error('BENCH_NICE must be a whole number');
  return ['nice', ['-n', nice, command, ...args]];
}

// --- wrk ---------------------------------------------------------------------

export function wrkAvailable(): boolean {
  const probe = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  return probe.error === undefined && /^wrk /m.test(`${probe.stdout}${probe.stderr}`);
}

/** A Lua long string that cannot be closed by the text inside it. */
function luaString(text: string): string {
  let level = 1;
  while (text.includes(`]${'='.repeat(level)}]`)) level += 1;
  const eq = '='.repeat(level);
  // A long string drops a first newline; keep one if the text starts with it.
  return `[${eq}[${text.startsWith('\n') ? '\n' : ''}${text}]${eq}]`;
}

function luaList(items: readonly string[]): string {
  return `{${items.map(luaString).join(',\n')}}`;
}

/**
 * Shared by every script: `setup` numbers the threads and keeps them, so
 * `done` can add up what each counted (`spent`: requests sent without a
 * token left to send), then prints one JSON line with wrk's own CPU time
 * (os.clock covers all its threads).
 */
const LUA_COMMON = `
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
  thread:set("spent", 0)
  if prepare then prepare(thread, #threads) end
end
function done(summary, latency, requests)
  local e = summary.errors
  local spent = 0
  for _, t in ipairs(threads) do spent = spent + (t:get("spent") or 0) end
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"durationUs":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50":%d,"p99":%d,"max":%d,"cpu":%.3f,"spent":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, os.clock(), spent))
end
`;

function randomLua(plan: RandomPlan): string {
  const headers = plan.bodies ? `{["Content-Type"]="application/json"}` : '{}';
  return `${LUA_COMMON}
local paths = ${luaList(plan.paths)}
local auths = ${luaList(plan.authorizations ?? [])}
local bodies = ${luaList(plan.bodies ?? [])}
function init(args)
  math.randomseed(os.time() * 1000 + (id or 0))
end
function request()
  local headers = ${headers}
  if #auths > 0 then headers["Authorization"] = auths[math.random(#auths)] end
  local body = nil
  if #bodies > 0 then body = bodies[math.random(#bodies)] end
  return wrk.format(${luaString(plan.method)}, paths[math.random(#paths)], headers, body)
end
`;
}

function refreshLua(plan: RefreshPlan, threads: number): string {
  // Each thread gets its share of the tokens as one comma-separated string.
  const shares: string[][] = Array.from({ length: threads }, () => []);
  plan.tokens.forEach((token, i) => shares[i % threads]?.push(token));
  return `${LUA_COMMON}
local shares = ${luaList(shares.map((s) => s.join(',')))}
function prepare(thread, n)
  thread:set("share", shares[n])
end
tokens = {}
function init(args)
  for t in string.gmatch(share or "", "[^,]+") do table.insert(tokens, t) end
end
function request()
  -- A connection asks again only after its answer was read (and its token kept).
  local token = table.remove(tokens)
  if token == nil then
    spent = spent + 1
    token = "spent"
  end
  return wrk.format("POST", ${luaString(plan.path)}, {["Content-Type"]="application/json"},
    '{"refreshToken":"' .. token .. '"}')
end
function response(status, headers, body)
  local token = string.match(body, '"refreshToken":"([^"]+)"')
  if token then table.insert(tokens, token) end
end
`;
}

let scriptCount = 0;

export const wrkGenerator: LoadGenerator = {
  name: 'wrk',
  async run(plan, options) {
    const threads = Math.max(1, Math.min(CORES, options.connections));
    const script = join(options.workDir, `plan-${++scriptCount}.lua`);
    writeFileSync(script, plan.type === 'refresh' ? refreshLua(plan, threads) : randomLua(plan));
    const url = `${options.baseUrl}${plan.type === 'refresh' ? plan.path : (plan.paths[0] ?? '/')}`;
    const args = [
      `-t${threads}`,
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      '--timeout',
      '10s',
      '-s',
      script,
      url,
    ];
    const output = await new Promise<string>((resolve, reject) => {
      const [command, commandArgs] = niced('wrk', args);
      const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}: ${text}`)),
      );
    });
    const line = /^BENCH_RESULT (.*)$/m.exec(output)?.[1];
    if (line === undefined) throw new Error(`wrk printed no result:\n${output}`);
    const r = JSON.parse(line) as Record<string, number>;
    const num = (key: string) => r[key] ?? 0;
    const seconds = num('durationUs') / 1e6;
    return {
      requests: num('requests'),
      seconds: round(seconds, 2),
      rps: round(num('requests') / seconds, 0),
      p50Ms: round(num('p50') / 1000, 2),
      p99Ms: round(num('p99') / 1000, 2),
      maxMs: round(num('max') / 1000, 2),
      badStatus: num('status'),
      errors: num('connect') + num('read') + num('write') + num('timeout'),
      loadgenCpuShare: round(num('cpu') / (seconds * CORES), 3),
      spent: num('spent'),
    };
  },
};

// --- autocannon ----------------------------------------------------------------

function pick<T>(items: readonly T[]): T | undefined {
  return items[Math.floor(Math.random() * items.length)];
}

function autocannonRequest(plan: Plan): autocannon.Request {
  if (plan.type === 'refresh') {
    // autocannon clears a connection's context after every request when the
    // plan has one request, so the tokens live in one shared pool: an answer
    // adds its new token before that connection builds its next request.
    const pool = [...plan.tokens];
    return {
      method: 'POST',
      path: plan.path,
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({
        ...request,
        body: JSON.stringify({ refreshToken: pool.pop() ?? 'spent' }),
      }),
      onResponse: (_status, body) => {
        const token = /"refreshToken":"([^"]+)"/.exec(body)?.[1];
        if (token !== undefined) pool.push(token);
      },
    };
  }
  return {
    method: plan.method,
    setupRequest: (request) => {
      const headers: Record<string, string> = {};
      const authorization = plan.authorizations ? pick(plan.authorizations) : undefined;
      if (authorization !== undefined) headers.authorization = authorization;
      const body = plan.bodies ? pick(plan.bodies) : undefined;
      if (body !== undefined) headers['content-type'] = 'application/json';
      return {
        ...request,
        path: pick(plan.paths) ?? '/',
        headers,
        ...(body === undefined ? {} : { body }),
      };
    },
  };
}

export const autocannonGenerator: LoadGenerator = {
  name: 'autocannon',
  async run(plan, options) {
    const cpuStart = process.cpuUsage();
    const started = process.hrtime.bigint();
    const result = await autocannon({
      url: options.baseUrl,
      connections: options.connections,
      duration: options.seconds,
      timeout: 10,
      requests: [autocannonRequest(plan)],
    });
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    const cpu = process.cpuUsage(cpuStart);
    const seconds = result.duration;
    return {
      requests: result.requests.total,
      seconds: round(seconds, 2),
      rps: round(result.requests.total / seconds, 0),
      p50Ms: round(result.latency.p50, 2),
      p99Ms: round(result.latency.p99, 2),
      maxMs: round(result.latency.max, 2),
      badStatus: result.non2xx,
      errors: result.errors + result.timeouts,
      loadgenCpuShare: round((cpu.user + cpu.system) / 1e6 / (wall * CORES), 3),
    };
  },
};

/** `BENCH_LOADGEN=wrk|autocannon` forces one; otherwise wrk when installed. */
export function chooseGenerator(): LoadGenerator {
  const wanted = process.env.BENCH_LOADGEN;
  if (wanted === 'autocannon') return autocannonGenerator;
  if (wanted === 'wrk' || wrkAvailable()) {
    if (!wrkAvailable()) throw new Error('BENCH_LOADGEN=wrk but wrk is not installed');
    return wrkGenerator;
  }
  return autocannonGenerator;
}
