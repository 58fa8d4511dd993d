/**
 * The bench starts the server the way `npm start` does: it reads the start
 * script's environment and node flags from package.json (bench/proc.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseStartScript, startScript } from '../../bench/proc.ts';

test('bench: the start script gives its environment, defaults resolved as the shell does, and its node flags but tsx', () => {
  const script =
    'UV_THREADPOOL_SIZE=${UV_THREADPOOL_SIZE:-8} MALLOC_ARENA_MAX=2 ' +
    'GLIBC_TUNABLES=${GLIBC_TUNABLES:-glibc.malloc.hugetlb=1} ' +
    'node --max-semi-space-size=4 --import tsx src/server.ts';
  assert.deepEqual(parseStartScript(script, { UV_THREADPOOL_SIZE: '4', GLIBC_TUNABLES: '' }), {
    env: {
      UV_THREADPOOL_SIZE: '4',
      MALLOC_ARENA_MAX: '2',
      GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1',
    },
    nodeFlags: ['--max-semi-space-size=4'],
    entry: 'src/server.ts',
  });
  assert.deepEqual(parseStartScript('node --import ./hooks.js dist/server.js', {}), {
    env: {},
    nodeFlags: ['--import', './hooks.js'],
    entry: 'dist/server.js',
  });
});

test('bench: a start script it cannot read as plain words is refused, not guessed at', () => {
  for (const script of [
    'A="two words" node src/server.ts',
    'A=$B node src/server.ts',
    'A=1 tsx src/server.ts',
    'A=1 node src/server.ts && echo done',
    'A=1 node',
    'node --max-semi-space-size=4',
  ]) {
    assert.throws(() => parseStartScript(script, {}), /start script/, script);
  }
});

test("bench: this package's own start script is one it can read, runs the built server, and sets the allocator up for argon2", () => {
  const start = startScript(new URL('../../package.json', import.meta.url).pathname, {});
  // Built JavaScript, not tsx: about 40 MiB less resident (docs/performance.md).
  assert.equal(start.entry, 'dist/server.js');
  assert.ok(start.env.UV_THREADPOOL_SIZE, 'the start script sets the thread pool size');
  // One malloc arena, so the memory of at most HASH_CONCURRENCY hashes stays
  // resident instead of 19 MiB in every pool thread's arena; transparent huge
  // pages for it, which make each hash cheaper (fewer TLB misses).
  assert.equal(start.env.MALLOC_ARENA_MAX, '1');
  assert.equal(start.env.GLIBC_TUNABLES, 'glibc.malloc.hugetlb=1');
  // Semi-spaces of at most 4 MiB (16 by default): about 20 MiB less at rest
  // and 60 to 90 MiB less after the read, list and write loads.
  assert.deepEqual(start.nodeFlags, ['--max-semi-space-size=4']);
  // An operator's own values win, as the shell's ${NAME:-default} gives.
  const own = startScript(new URL('../../package.json', import.meta.url).pathname, {
    MALLOC_ARENA_MAX: '4',
  });
  assert.equal(own.env.MALLOC_ARENA_MAX, '4');
});
