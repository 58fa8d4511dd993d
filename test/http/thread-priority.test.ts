/**
 * The real server keeps its event loop ahead of its own background threads
 * (argon2 hashes on the libuv pool, the WAL checkpoint worker, V8's helpers):
 * every thread but the main one runs at a lower priority (a higher nice value).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { getPriority } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';

import { BACKGROUND_NICE_STEP } from '../../src/thread-priority.ts';
import { tempDir, testDatabases, testEnv } from '../helpers.ts';
import { startServer } from '../process-helpers.ts';

/** A thread's nice value: field 19 of its stat line, the 17th after the command name. */
function niceOf(pid: number, tid: string): number {
  const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[16]);
}

test(
  'the server runs every thread but its event loop at a lower priority',
  { skip: process.platform !== 'linux' && 'per-thread priorities are read from Linux /proc' },
  async (t) => {
    const dir = tempDir();
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const env = testEnv(dir, { ...(await testDatabases(t, dir)), LOG_LEVEL: 'info' });
    const server = await startServer(env);
    t.after(() => server.stop());
    for (
      let waited = 0;
      !server.output().includes('lower priority') && waited < 10_000;
      waited += 50
    ) {
      await sleep(50);
    }
    assert.match(server.output(), /background threads run at lower priority/);

    const threads = readdirSync(`/proc/${server.pid}/task`);
    const main = String(server.pid);
    const mainNice = niceOf(server.pid, main);
    assert.equal(mainNice, getPriority(), 'the event loop keeps the priority it was started with');
    const others = threads.filter((tid) => tid !== main);
    // At least the libuv pool (4 threads by default) and V8's helpers.
    assert.ok(others.length >= 4, `only ${others.length} other threads`);
    for (const tid of others)
      assert.equal(niceOf(server.pid, tid), Math.min(19, mainNice + BACKGROUND_NICE_STEP), tid);
  },
);
