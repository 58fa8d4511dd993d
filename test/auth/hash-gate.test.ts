/**
 * The hashing gate and the hasher behind it, without a server: at most
 * `concurrency` hashes at once, at most `queue` waiting, first in first out,
 * `503` with `Retry-After` beyond that, and a slot freed however a hash ends.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { AppError } from '../../src/errors.ts';
import { HashGate, PasswordHasher } from '../../src/auth/passwords/hasher.ts';

/** A piece of work the test finishes by hand. */
function manual<T>() {
  let finish!: (value: T) => void;
  let fail!: (err: Error) => void;
  const done = new Promise<T>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { done, finish, fail };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('hash gate: runs at most `concurrency` at once, queues `queue` more, first in first out', async () => {
  const gate = new HashGate(2, 2);
  const works = Array.from({ length: 4 }, () => manual<number>());
  const started: number[] = [];
  const results = works.map((w, i) =>
    gate.run(() => {
      started.push(i);
      return w.done;
    }),
  );
  const settled = Promise.allSettled(results);
  await tick();
  assert.deepEqual(started, [0, 1]);

  // A fifth is turned away at once, with Retry-After, and takes no slot.
  await assert.rejects(
    gate.run(async () => 'never'),
    (err: unknown) =>
      err instanceof AppError && err.status === 503 && err.headers?.['retry-after'] === '1',
  );

  works[1]!.finish(1);
  await tick();
  assert.deepEqual(started, [0, 1, 2], 'the freed slot went to the first waiter');
  works[0]!.fail(new Error('argon2 failed'));
  await tick();
  assert.deepEqual(started, [0, 1, 2, 3], 'a failed hash frees its slot too');
  works[2]!.finish(2);
  works[3]!.finish(3);

  assert.deepEqual(
    (await settled).map((s) => s.status),
    ['rejected', 'fulfilled', 'fulfilled', 'fulfilled'],
  );

  // All slots free again: two run at once with nobody waiting.
  const again = [manual<void>(), manual<void>()];
  let running = 0;
  const runs = again.map((w) =>
    gate.run(async () => {
      running += 1;
      await w.done;
    }),
  );
  await tick();
  assert.equal(running, 2);
  again.forEach((w) => w.finish());
  await Promise.all(runs);
});

test('hasher: argon2id at the configured cost, a fresh 16-byte salt per hash, and a malformed hash is a mismatch', async () => {
  const hasher = new PasswordHasher({ memoryKiB: 1024, timeCost: 1, parallelism: 1 }, 1, 4);
  const [a, b] = await Promise.all([
    hasher.hash('correct horse battery staple'),
    hasher.hash('correct horse battery staple'),
  ]);
  const parts = a.split('$');
  assert.equal(parts[1], 'argon2id');
  assert.deepEqual(parts[3]?.split(',').sort(), ['m=1024', 'p=1', 't=1']);
  assert.equal(Buffer.from(parts[4]!, 'base64').length, 16);
  assert.notEqual(a.split('$')[4], b.split('$')[4], 'two hashes, two salts');

  assert.equal(await hasher.verify(a, 'correct horse battery staple'), true);
  assert.equal(await hasher.verify(b, 'correct horse battery stapler'), false);
  assert.equal(await hasher.verify('$argon2id$v=19$nonsense', 'anything'), false);
  assert.equal(hasher.needsRehash(a), false);
  await hasher.verifyDummy('an unknown account'); // resolves, whatever the password
});
