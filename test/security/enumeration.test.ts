/**
 * Regression tests for the audit fix "enumeration" (DESIGN.md section 5):
 * neither signup nor login reveals whether an address is registered, by
 * status, body or timing. Timing is compared on medians of many interleaved
 * samples, with argon2 parameters large enough that hashing dominates, and
 * the test shows it can tell a skipped hash apart.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { LightMyRequestResponse } from 'fastify';

import { login, newUser, openLab, PASSWORD, profile, signup } from '../auth/support.ts';

/** Hashing dominates a request at these settings (several milliseconds per hash). */
const TIMING_ENV = {
  ARGON2_MEMORY_KIB: '8192',
  ARGON2_TIME_COST: '2',
  LOCKOUT_THRESHOLD: '1000',
};
const SAMPLES = 40;
/** Generous on purpose: CI machines are noisy; a skipped hash is far outside it. */
const BAND = { low: 0.5, high: 2 };

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function timed(
  send: () => Promise<LightMyRequestResponse>,
): Promise<{ ms: number; res: LightMyRequestResponse }> {
  const start = process.hrtime.bigint();
  const res = await send();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, res };
}

/**
 * Runs every kind of request once per round, in an order that rotates each
 * round, so drift in machine load falls on all kinds alike. Returns the
 * median duration of each kind, after checking each answer.
 */
async function interleavedMedians(
  kinds: Record<
    string,
    { send: (round: number) => Promise<LightMyRequestResponse>; status: number }
  >,
  rounds = SAMPLES,
): Promise<Record<string, number>> {
  const names = Object.keys(kinds);
  const samples = new Map(names.map((n) => [n, [] as number[]]));
  for (let round = -3; round < rounds; round += 1) {
    for (let i = 0; i < names.length; i += 1) {
      const name = names[(i + Math.max(round, 0)) % names.length]!;
      const kind = kinds[name]!;
      const { ms, res } = await timed(() => kind.send(round));
      assert.equal(res.statusCode, kind.status, `${name}: ${res.body}`);
      if (round >= 0) samples.get(name)!.push(ms); // the first rounds only warm up
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(samples.get(n)!)]));
}

function assertSameTiming(medians: Record<string, number>, a: string, b: string): void {
  const ratio = medians[a]! / medians[b]!;
  assert.ok(
    ratio >= BAND.low && ratio <= BAND.high,
    `median ${a} ${medians[a]!.toFixed(2)} ms vs ${b} ${medians[b]!.toFixed(2)} ms: ratio ${ratio.toFixed(2)}`,
  );
}

function answer(res: LightMyRequestResponse) {
  return { status: res.statusCode, type: res.headers['content-type'], body: res.body };
}

test('enumeration: signup answers a new and an already registered address with the same status and body', async (t) => {
  const { app } = await openLab(t);
  await signup(app, 'taken@example.test');
  const fresh = await signup(app, 'fresh@example.test');
  const taken = await signup(app, 'taken@example.test', 'another password entirely');
  const takenOtherCase = await signup(app, ' TAKEN@example.test');
  assert.equal(fresh.statusCode, 202);
  assert.deepEqual(answer(taken), answer(fresh));
  assert.deepEqual(answer(takenOtherCase), answer(fresh));
  // Signup never signs in: no token in either answer.
  assert.ok(!/token/i.test(fresh.body));
  assert.equal(fresh.headers['set-cookie'], undefined);
});

test('enumeration: login with an unknown address, a wrong password or a locked account gets one generic answer', async (t) => {
  const { app, deps } = await openLab(t, { LOCKOUT_THRESHOLD: '2' });
  await newUser(app, 'known@example.test');
  await newUser(app, 'locked@example.test');
  for (let i = 0; i < 2; i += 1) await login(app, 'locked@example.test', 'a wrong password guess');

  const unknown = await login(app, 'nobody@example.test', PASSWORD);
  const wrong = await login(app, 'known@example.test', 'a wrong password guess');
  const lockedWrong = await login(app, 'locked@example.test', 'a wrong password guess');
  const lockedRight = await login(app, 'locked@example.test', PASSWORD);
  assert.equal(unknown.statusCode, 401);
  assert.match(String(unknown.headers['content-type']), /^application\/problem\+json/);
  assert.equal(unknown.json().detail, 'Invalid email or password');
  for (const res of [wrong, lockedWrong, lockedRight])
    assert.deepEqual(answer(res), answer(unknown));
  // The locked account really is locked, so the comparison above means something.
  const locked = await deps.platform.db
    .selectFrom('users')
    .select('locked_until')
    .where('locked_until', 'is not', null)
    .execute();
  assert.equal(locked.length, 1);
});

test('enumeration: an unknown address still runs a password verify, so a full hash gate turns it away like a known one', async (t) => {
  const { app } = await openLab(t, {
    ARGON2_MEMORY_KIB: '65536',
    ARGON2_TIME_COST: '3',
    HASH_CONCURRENCY: '1',
    HASH_QUEUE: '0',
  });
  await newUser(app, 'known@example.test');
  // Two unknown-address logins at once with one hash slot and no queue: if
  // they did not hash, neither would be turned away.
  const answers = await Promise.all([
    login(app, 'nobody@example.test', PASSWORD),
    login(app, 'nobody-else@example.test', PASSWORD),
  ]);
  assert.deepEqual(answers.map((r) => r.statusCode).sort(), [401, 503]);
});

test('enumeration: unknown-address, wrong-password and locked-account logins take the same time (medians of 40 interleaved samples)', async (t) => {
  const { app, deps } = await openLab(t, TIMING_ENV);
  await newUser(app, 'known@example.test');
  const lockedTokens = await newUser(app, 'locked@example.test');
  const lockedId: string = (await profile(app, lockedTokens.accessToken)).json().id;
  await deps.platform.db
    .updateTable('users')
    .set({ locked_until: new Date(Date.now() + 3_600_000).toISOString() })
    .where('id', '=', lockedId)
    .execute();

  const medians = await interleavedMedians({
    unknown: { send: (i) => login(app, `nobody-${i}@example.test`, PASSWORD), status: 401 },
    wrong: { send: () => login(app, 'known@example.test', 'a wrong password guess'), status: 401 },
    locked: { send: () => login(app, 'locked@example.test', PASSWORD), status: 401 },
    // No hash at all (refused by the schema): what a skipped dummy verify would look like.
    noHash: { send: () => login(app, 'nobody@example.test', 'k'.repeat(257)), status: 400 },
  });
  t.diagnostic(JSON.stringify(medians));
  assertSameTiming(medians, 'unknown', 'wrong');
  assertSameTiming(medians, 'locked', 'wrong');
  // The band can see a missing hash: a request without one is far outside it.
  assert.ok(
    medians.noHash! / medians.wrong! < BAND.low,
    `hashing does not dominate: ${JSON.stringify(medians)}`,
  );
});

test('enumeration: signup for a new and for a registered address takes the same time (medians of 40 interleaved samples)', async (t) => {
  const { app } = await openLab(t, TIMING_ENV);
  assert.equal((await signup(app, 'taken@example.test')).statusCode, 202);
  const medians = await interleavedMedians({
    fresh: { send: (i) => signup(app, `fresh-${i + 3}@example.test`), status: 202 },
    taken: { send: () => signup(app, 'taken@example.test'), status: 202 },
    noHash: { send: () => signup(app, 'taken@example.test', 'k'.repeat(257)), status: 400 },
  });
  t.diagnostic(JSON.stringify(medians));
  assertSameTiming(medians, 'fresh', 'taken');
  assert.ok(
    medians.noHash! / medians.taken! < BAND.low,
    `hashing does not dominate: ${JSON.stringify(medians)}`,
  );
});
