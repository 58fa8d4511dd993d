/**
 * Review of src/thread-priority.ts: background threads must end up at a
 * lower priority than the event loop, whatever priority the server was
 * started at. (It once set an absolute nice value, so a server
 * started with a nice value above it (`nice -n 15`, systemd `Nice=15`, a
 * batch slot) gets its background threads raised above its event loop
 * wherever the kernel lets it (root, CAP_SYS_NICE, RLIMIT_NICE: the usual
 * case in a container).)
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { tempDir } from '../helpers.ts';

const CHILD = (module: string) => `
import { readdirSync, readFileSync } from 'node:fs';
import { lowerBackgroundThreads } from ${JSON.stringify(module)};
const nice = (tid) => {
  const stat = readFileSync('/proc/self/task/' + tid + '/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(') ') + 2).split(' ')[16]);
};
await lowerBackgroundThreads();
const main = nice(String(process.pid));
const others = readdirSync('/proc/self/task').filter((t) => t !== String(process.pid)).map(nice);
console.log(JSON.stringify({ main, others }));
`;

test(
  'a server started at a low priority (nice 15) still runs its background threads below its event loop',
  { skip: process.platform !== 'linux' && 'per-thread priorities are read from Linux /proc' },
  (t) => {
    const dir = tempDir();
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const script = join(dir, 'child.mjs');
    const module = pathToFileURL(resolve('src/thread-priority.ts')).href;
    writeFileSync(script, CHILD(module));
    const run = spawnSync('nice', ['-n', '15', process.execPath, '--import', 'tsx', script], {
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    const { main, others } = JSON.parse(run.stdout) as { main: number; others: number[] };
    assert.equal(main, 15);
    assert.ok(others.length >= 4);
    for (const nice of others)
      assert.ok(
        nice >= main,
        `a background thread runs at nice ${nice}, above the event loop's ${main}`,
      );
  },
);
