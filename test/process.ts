/**
 * Helpers for tests that run the real `daybook` process: a clean environment
 * (nothing inherited from the developer's shell or .env), output capture,
 * a free port, and waiting for the server to answer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = fileURLToPath(new URL('../bin/daybook.js', import.meta.url));
export const SERVER = fileURLToPath(new URL('../src/server.ts', import.meta.url));
/** tsx's loader, resolved from the project so it works from any working directory. */
export const TSX = import.meta.resolve('tsx');

/** Only what a process needs to run: no secret or database URL leaks in from the test runner. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  if (process.env.HOME !== undefined) env.HOME = process.env.HOME;
  if (process.env.TMPDIR !== undefined) env.TMPDIR = process.env.TMPDIR;
  return { ...env, ...extra };
}

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Running {
  readonly child: ChildProcess;
  readonly finished: Promise<Finished>;
  /** Output so far, for diagnostics. */
  output(): string;
}

/** Starts `node …args` in `cwd`; `finished` resolves when it exits (killed after `timeoutMs`). */
export function start(
  args: readonly string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Running {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const finished = new Promise<Finished>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, finished, output: () => `stdout:\n${stdout}\nstderr:\n${stderr}` };
}

/** Runs `node …args` to completion. */
export function run(
  args: readonly string[],
  options: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<Finished> {
  return start(args, options).finished;
}

/** A TCP port that was free a moment ago: listen on port 0, read the port, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('no port'));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}

/** Polls `url` until it answers (any status), the process exits, or the deadline passes. */
export async function waitForHttp(
  url: string,
  running: Running,
  timeoutMs = 90_000,
): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void running.finished.then(() => (exited = true));
  for (;;) {
    if (exited) throw new Error(`the server exited before answering\n${running.output()}`);
    try {
      return await fetch(url, { signal: AbortSignal.timeout(1000) });
    } catch {
      if (Date.now() > deadline) {
        throw new Error(`no answer from ${url} in ${timeoutMs} ms\n${running.output()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
