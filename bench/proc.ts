/**
 * What Linux tells about a process: resident memory (VmRSS, and VmHWM, its
 * peak) from /proc/<pid>/status, CPU time from /proc/<pid>/stat. Outside
 * Linux every reading is undefined and the report says "n/a".
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Memory {
  /** Resident set now, MiB. */
  readonly rssMiB: number;
  /** Peak resident set since the process started, MiB. */
  readonly hwmMiB: number;
}

function statusKiB(text: string, field: string): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export function memoryOf(pid: number): Memory | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = statusKiB(text, 'VmRSS');
    const hwm = statusKiB(text, 'VmHWM');
    if (rss === undefined || hwm === undefined) return undefined;
    return { rssMiB: round(rss / 1024), hwmMiB: round(hwm / 1024) };
  } catch {
    return undefined;
  }
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const value = Number(out.stdout?.trim());
    ticksPerSecond = Number.isFinite(value) && value > 0 ? value : 100;
  }
  return ticksPerSecond;
}

/** User plus system CPU seconds the process has used so far (all its threads). */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
    return (utime + stime) / clockTicks();
  } catch {
    return undefined;
  }
}

/** Samples a process's resident memory until stopped; keeps the highest reading. */
export class MemorySampler {
  private timer: NodeJS.Timeout | undefined;
  peakRssMiB = 0;

  constructor(private readonly pid: number) {}

  start(intervalMs = 200): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): Memory | undefined {
    const memory = memoryOf(this.pid);
    if (memory) this.peakRssMiB = Math.max(this.peakRssMiB, memory.rssMiB);
    return memory;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

export function round(value: number, digits = 1): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** How `npm start` starts the server: the environment it sets and its node flags. */
export interface StartScript {
  /** `NAME=value` assignments before `node`, resolved as the shell would. */
  readonly env: Readonly<Record<string, string>>;
  /** Flags between `node` and the entry script, but `--import tsx` (the bench adds its own). */
  readonly nodeFlags: readonly string[];
  /** The entry script, relative to the package: `dist/server.js`, or a `.ts` file run through tsx. */
  readonly entry: string;
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
const WITH_DEFAULT = /^\$\{([A-Za-z_][A-Za-z0-9_]*):-([^}]*)\}$/;

/**
 * Reads a `start` script of the form `A=1 B=${B:-2} node --flag dist/server.js`
 * (or `node --import tsx src/server.ts`): plain words only (no quotes or other expansions, which are
 * refused rather than guessed at). `${B:-2}` is B from `environment` when set
 * and not empty, else 2, as in the shell.
 */
export function parseStartScript(script: string, environment: NodeJS.ProcessEnv): StartScript {
  if (/["'`\\;&|]/.test(script)) throw new Error(`start script too clever to read: ${script}`);
  const words = script.trim().split(/\s+/);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < words.length; i++) {
    const [, name, raw = ''] = ASSIGNMENT.exec(words[i] ?? '') ?? [];
    if (name === undefined) break;
    const fallback = WITH_DEFAULT.exec(raw);
    if (fallback) env[name] = environment[fallback[1] ?? ''] || (fallback[2] ?? '');
    else if (raw.includes('$')) throw new Error(`start script too clever to read: ${words[i]}`);
    else env[name] = raw;
  }
  if (words[i] !== 'node') throw new Error(`start script does not run node: ${script}`);
  const entry = words.at(-1) ?? '';
  if (i + 1 >= words.length || entry.startsWith('-')) {
    throw new Error(`start script names no entry script: ${script}`);
  }
  const flags = words.slice(i + 1, -1);
  const nodeFlags: string[] = [];
  for (let j = 0; j < flags.length; j++) {
    if (flags[j] === '--import' && flags[j + 1] === 'tsx') j++;
    else nodeFlags.push(flags[j] ?? '');
  }
  return { env, nodeFlags, entry };
}

/** `parseStartScript` on the `start` script of a package.json. */
export function startScript(packageJson: string, environment = process.env): StartScript {
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts?: Record<string, string> };
  return parseStartScript(pkg.scripts?.start ?? 'node dist/server.js', environment);
}
