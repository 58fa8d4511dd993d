/**
 * Regression: MFA brute force. Guessing six-digit codes must stay bounded: a
 * challenge takes at most 5 codes, an account at most LOCKOUT_THRESHOLD wrong
 * ones (password or code, any route) before it locks, and parallel requests
 * get no more checks than sequential ones.
 *
 * The parallel cases run on a database that answers asynchronously, as
 * PostgreSQL does: on plain SQLite every query answers synchronously, so
 * requests never interleave and a check-then-count race stays hidden.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { AppDeps } from '../../src/context.ts';
import {
  assertRefused,
  assertTokens,
  awayFromStepEdge,
  challenge,
  codeAt,
  enrolledUser,
  lab,
  login,
  PASSWORD,
  post,
  userRow,
  verify,
  wrongCode,
} from '../auth/mfa-support.ts';

async function countEvents(deps: AppDeps, type: string): Promise<number> {
  const rows = await deps.platform.db
    .selectFrom('audit_events')
    .select('id')
    .where('type', '=', type)
    .execute();
  return rows.length;
}

test('MFA brute force: 30 parallel wrong codes on one challenge get at most 5 checks', async (t) => {
  const { app, deps } = await lab(t, { LOCKOUT_THRESHOLD: '1000' }).open(
    {},
    { slowDatabase: true },
  );
  const user = await enrolledUser(app, 'parallel-one@example.test');
  const mfaToken = await challenge(app, user.email);
  const wrong = wrongCode(user.secret);

  const answers = await Promise.all(
    Array.from({ length: 30 }, () => verify(app, mfaToken, { code: wrong })),
  );

  for (const res of answers) assertRefused(res);
  const checked = await countEvents(deps, 'mfa_failure');
  assert.ok(checked <= 5, `${checked} codes were checked on one challenge`);
  assert.ok((await userRow(deps)).failed_attempts <= 5);
  await awayFromStepEdge();
  assertRefused(await verify(app, mfaToken, { code: codeAt(user.secret) }));
});

test('MFA brute force: 30 parallel wrong codes across challenges get at most 5 checks before the lock', async (t) => {
  const { app, deps } = await lab(t, { LOCKOUT_THRESHOLD: '5' }).open({}, { slowDatabase: true });
  const user = await enrolledUser(app, 'parallel-many@example.test');
  const tokens: string[] = [];
  for (let i = 0; i < 30; i++) tokens.push(await challenge(app, user.email));
  const wrong = wrongCode(user.secret);

  const answers = await Promise.all(
    tokens.map((mfaToken) => verify(app, mfaToken, { code: wrong })),
  );

  for (const res of answers) assertRefused(res);
  const checked = await countEvents(deps, 'mfa_failure');
  assert.ok(checked <= 5, `${checked} codes were checked before the account locked`);
  assert.equal(await countEvents(deps, 'lockout'), 1);
  assertRefused(await login(app, user.email));
});

test('MFA brute force: parallel wrong codes at mfa/disable get at most 5 checks before the lock', async (t) => {
  // The right password each time: only the codes are wrong. HASH_QUEUE lets all 20 wait for argon2.
  const { app, deps } = await lab(t, { LOCKOUT_THRESHOLD: '5', HASH_QUEUE: '100' }).open(
    {},
    { slowDatabase: true },
  );
  const user = await enrolledUser(app, 'parallel-disable@example.test');
  const wrong = wrongCode(user.secret);

  const answers = await Promise.all(
    Array.from({ length: 20 }, () =>
      post(app, '/api/auth/mfa/disable', { password: PASSWORD, code: wrong }, user.accessToken),
    ),
  );

  for (const res of answers) assert.equal(res.statusCode, 401);
  const checked = await countEvents(deps, 'mfa_failure');
  assert.ok(checked <= 5, `${checked} codes were checked before the account locked`);
  assert.equal((await userRow(deps)).mfa_enabled, 1);
});

test('MFA brute force: the right password does not reset the count, so new challenges buy no new guesses', async (t) => {
  const { app, deps } = await lab(t, { LOCKOUT_THRESHOLD: '5' }).open();
  const user = await enrolledUser(app, 'fresh-challenges@example.test');
  const wrong = wrongCode(user.secret);

  for (let i = 0; i < 5; i++) {
    assertRefused(await verify(app, await challenge(app, user.email), { code: wrong }));
  }

  assertRefused(await login(app, user.email));
  assert.equal(await countEvents(deps, 'lockout'), 1);
});

test('MFA brute force: after the lock, the right code on an earlier challenge fails too', async (t) => {
  const { app } = await lab(t, { LOCKOUT_THRESHOLD: '5' }).open();
  const user = await enrolledUser(app, 'earlier@example.test');
  const kept = await challenge(app, user.email);
  const burnt = await challenge(app, user.email);
  for (let i = 0; i < 5; i++)
    assertRefused(await verify(app, burnt, { code: wrongCode(user.secret) }));
  await awayFromStepEdge();

  assertRefused(await verify(app, kept, { code: codeAt(user.secret) }));
});

test('MFA brute force: the lock lasts LOCKOUT_MINUTES, then the right code works again', async (t) => {
  const l = lab(t, { LOCKOUT_THRESHOLD: '5', LOCKOUT_MINUTES: '15' });
  const { app, deps } = await l.open();
  const user = await enrolledUser(app, 'expires@example.test');
  for (let i = 0; i < 5; i++) {
    assertRefused(
      await verify(app, await challenge(app, user.email), { code: wrongCode(user.secret) }),
    );
  }
  const row = await userRow(deps);
  const minutes = (Date.parse(row.locked_until!) - Date.now()) / 60_000;
  assert.ok(minutes > 14 && minutes <= 15, `locked for ${minutes} minutes`);

  // Wind the lock back to the past, as if 15 minutes had gone by.
  await deps.platform.db
    .updateTable('users')
    .set({ locked_until: new Date(Date.now() - 1000).toISOString() })
    .execute();
  await awayFromStepEdge();
  assertTokens(await verify(app, await challenge(app, user.email), { code: codeAt(user.secret) }));
});
