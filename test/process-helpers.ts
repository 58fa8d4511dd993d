/**
 * The real server as a child process (`node --import tsx src/server.ts`), for
 * tests that must go over TCP rather than `inject`: it listens on 127.0.0.1
 * at a free port, in an empty working directory (no `.env` is picked up), with
 * exactly the environment given plus PATH/HOME.
 */
import { request } from 'node:http';
import { rmSync } from 'node:fs';

import { tempDir } from './helpers.ts';
import { cleanEnv, freePort, SERVER, start, TSX, waitForHttp, type Finished } from './process.ts';

export interface StartedServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Output so far, for assertion messages. */
  output(): string;
  /** Resolves when the process exits, however it exits. */
  readonly finished: Promise<Finished>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Finished>;
}

/**
 * Starts the server with `env` (HOST and PORT are chosen here) and waits until
 * GET /api/health answers. Throws, with the process output, if it exits first.
 * Call `stop()` when done; an unstopped server is killed after `timeoutMs`.
 */
export async function startServer(
  env: Record<string, string>,
  options: { timeoutMs?: number } = {},
): Promise<StartedServer> {
  const port = await freePort();
  const cwd = tempDir('daybook-server-');
  const running = start(['--import', TSX, SERVER], {
    cwd,
    env: cleanEnv({ ...env, HOST: '127.0.0.1', PORT: String(port) }),
    timeoutMs: options.timeoutMs ?? 120_000,
  });
  const finished = running.finished.finally(() => rmSync(cwd, { recursive: true, force: true }));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/api/health`, running);
  } catch (err) {
    running.child.kill('SIGKILL');
    await finished.catch(() => undefined);
    throw err;
  }
  return {
    url,
    port,
    pid: running.child.pid ?? -1,
    output: running.output,
    finished,
    stop(signal = 'SIGTERM') {
      if (running.child.exitCode === null && running.child.signalCode === null) {
        running.child.kill(signal);
      }
      return finished;
    },
  };
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * One HTTP request with the path sent exactly as written: unlike fetch, no
 * normalisation of `.`/`..` segments, case or percent-encoding on the way.
 */
export function rawRequest(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: hostname,
        port,
        method,
        path,
        headers: {
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
