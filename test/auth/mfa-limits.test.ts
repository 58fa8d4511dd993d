/**
 * Limits on guessing codes: the per-IP rate limit on verify-mfa, the account
 * lockout that wrong codes count toward (durably), the per-challenge cap, and
 * answers that do not tell a locked account from a wrong code.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { LightMyRequestResponse } from 'fastify';

import { connect } from '../../src/db/connect.ts';
import type { PlatformDatabase } from '../../src/db/types.ts';
import { makeApp } from '../helpers.ts';
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
} from './mfa-support.ts';

/** What a client can see of an answer: status, media type and body. */
function visible(res: LightMyRequestResponse) {
  return { status: res.statusCode, type: res.headers['content-type'], body: res.body };
}

test('verify-mfa allows 3 attempts per 5 minutes per IP; the 4th gets 429', async (t) => {
  const { app } = await makeApp(t, {
    RATE_LIMIT_MFA_MAX: '3',
    RATE_LIMIT_MFA_WINDOW_MINUTES: '5',
    LOCKOUT_THRESHOLD: '100',
  });
  const user = await enrolledUser(app, 'limited@example.test');
  const mfaToken = await challenge(app, user.email);
  const wrong = wrongCode(user.secret);

  for (let i = 0; i < 3; i++) assertRefused(await verify(app, mfaToken, { code: wrong }));
  await awayFromStepEdge();
  const fourth = await verify(app, mfaToken, { code: codeAt(user.secret) });

  assertRefused(fourth, 429);
  assert.equal(fourth.headers['ratelimit-limit'], '3');
  assert.equal(fourth.headers['ratelimit-remaining'], '0');
  const retryAfter = Number(fourth.headers['retry-after']);
  assert.ok(retryAfter > 0 && retryAfter <= 300, `Retry-After ${retryAfter}`);
  // A forged X-Forwarded-For and other spellings of the path meet the same counter.
  const forwarded = await verify(
    app,
    mfaToken,
    { code: codeAt(user.secret) },
    {
      'x-forwarded-for': '203.0.113.9',
    },
  );
  assertRefused(forwarded, 429);
  for (const url of ['/API/auth/verify-mfa', '/api/auth/verify-mfa/', '/api//auth/Verify-MFA']) {
    const res = await post(app, url, { mfaToken, code: codeAt(user.secret) });
    assertRefused(res, 429);
  }
  // The limit is per IP, and the 429s spent nothing: the right code still works from elsewhere.
  const elsewhere = await app.inject({
    method: 'POST',
    url: '/api/auth/verify-mfa',
    payload: { mfaToken, code: codeAt(user.secret) },
    remoteAddress: '198.51.100.7',
  });
  assertTokens(elsewhere);
});

test('the verify-mfa limit defaults to 3 per 5 minutes', async (t) => {
  const l = lab(t);
  const { config } = await l.open({ RATE_LIMIT_MFA_MAX: '', RATE_LIMIT_MFA_WINDOW_MINUTES: '' });
  assert.deepEqual(config.rateLimits.mfa, { max: 3, windowMs: 5 * 60_000 });
});

test('five wrong codes across challenges lock the account: the right password then gets the generic 401', async (t) => {
  const { app, deps } = await makeApp(t, { LOCKOUT_THRESHOLD: '5' });
  const user = await enrolledUser(app, 'locked@example.test');
  const wrong = wrongCode(user.secret);
  const unknownEmail = visible(await login(app, 'nobody@example.test'));
  const wrongPassword = visible(await login(app, user.email, 'not the password 123'));
  assert.equal(wrongPassword.status, 401);
  assert.deepEqual(unknownEmail, wrongPassword);
  assert.equal((await userRow(deps)).failed_attempts, 1);

  // 1 (password) + 2 + 2: each login with the right password opens a new challenge
  // without resetting the count; only a completed login does.
  const first = await challenge(app, user.email);
  for (let i = 0; i < 2; i++) assertRefused(await verify(app, first, { code: wrong }));
  const second = await challenge(app, user.email);
  assertRefused(await verify(app, second, { code: wrong }));
  assert.equal((await userRow(deps)).failed_attempts, 4);
  assertRefused(await verify(app, second, { code: wrong }));

  const row = await userRow(deps);
  assert.ok(row.locked_until !== null && Date.parse(row.locked_until) > Date.now() + 14 * 60_000);
  const rightPassword = visible(await login(app, user.email));
  assert.deepEqual(rightPassword, wrongPassword, 'a locked account looks like a wrong password');
  const audit = await deps.platform.db.selectFrom('audit_events').select('type').execute();
  assert.equal(audit.filter((e) => e.type === 'lockout').length, 1);
});

test('a locked account refuses even the right code on an open challenge, with the wrong-code answer', async (t) => {
  const { app } = await makeApp(t, { LOCKOUT_THRESHOLD: '5' });
  const user = await enrolledUser(app, 'lockedcode@example.test');
  const wrong = wrongCode(user.secret);
  const open = await challenge(app, user.email);
  const other = await challenge(app, user.email);
  const wrongCodeAnswer = visible(await verify(app, other, { code: wrong }));
  for (let i = 0; i < 4; i++) assertRefused(await verify(app, other, { code: wrong }));
  await awayFromStepEdge();

  const locked = await verify(app, open, { code: codeAt(user.secret) });
  const lockedRecovery = await verify(app, open, { recoveryCode: user.recoveryCodes[0]! });

  assert.deepEqual(visible(locked), wrongCodeAnswer);
  assert.deepEqual(visible(lockedRecovery), wrongCodeAnswer);
  const dead = visible(await verify(app, other, { code: codeAt(user.secret) }));
  assert.deepEqual(dead, wrongCodeAnswer, 'a dead challenge answers the same');
  const garbage = visible(await verify(app, 'x.y.z', { code: codeAt(user.secret) }));
  assert.deepEqual(garbage, wrongCodeAnswer, 'a bad token answers the same');
});

test('the lockout is durable: the count lives in the users table and survives a restart', async (t) => {
  const l = lab(t, { LOCKOUT_THRESHOLD: '5' });
  const first = await l.open();
  const user = await enrolledUser(first.app, 'durable@example.test');
  const wrong = wrongCode(user.secret);
  const mfaToken = await challenge(first.app, user.email);
  for (let i = 0; i < 4; i++) assertRefused(await verify(first.app, mfaToken, { code: wrong }));

  // Another connection sees the count: it was committed, not held in a transaction or in memory.
  const outside = connect<PlatformDatabase>(first.config.platformDatabaseUrl);
  try {
    const row = await outside.db
      .selectFrom('users')
      .select('failed_attempts')
      .executeTakeFirstOrThrow();
    assert.equal(row.failed_attempts, 4);
  } finally {
    await outside.db.destroy();
  }
  await l.close(first);

  const second = await l.open();
  const again = await challenge(second.app, user.email);
  assertRefused(await verify(second.app, again, { code: wrong }));
  await l.close(second);

  const third = await l.open();
  const res = await login(third.app, user.email);
  assertRefused(res);
  assert.equal((res.json() as { detail: string }).detail, 'Invalid email or password');
  await awayFromStepEdge();
  assertRefused(await verify(third.app, again, { code: codeAt(user.secret) }));
  assert.ok((await userRow(third.deps)).locked_until !== null);
});

test('one challenge dies after 5 wrong codes: the 6th attempt, with the right code, fails', async (t) => {
  const { app } = await makeApp(t, { LOCKOUT_THRESHOLD: '100' });
  const user = await enrolledUser(app, 'dies@example.test');
  const mfaToken = await challenge(app, user.email);
  const wrong = wrongCode(user.secret);

  for (let i = 0; i < 5; i++) assertRefused(await verify(app, mfaToken, { code: wrong }));
  await awayFromStepEdge();
  assertRefused(await verify(app, mfaToken, { code: codeAt(user.secret) }));
  assertRefused(await verify(app, mfaToken, { recoveryCode: user.recoveryCodes[0]! }));

  // Control: the code was right and is unspent; a new challenge accepts it.
  assertTokens(await verify(app, await challenge(app, user.email), { code: codeAt(user.secret) }));
});

test('the 5th attempt on a challenge may still be the right one', async (t) => {
  const { app } = await makeApp(t, { LOCKOUT_THRESHOLD: '100' });
  const user = await enrolledUser(app, 'fifth@example.test');
  const mfaToken = await challenge(app, user.email);
  const wrong = wrongCode(user.secret);

  for (let i = 0; i < 4; i++) assertRefused(await verify(app, mfaToken, { code: wrong }));
  await awayFromStepEdge();
  assertTokens(await verify(app, mfaToken, { code: codeAt(user.secret) }));
});

test('a completed login resets the failure count', async (t) => {
  const { app, deps } = await makeApp(t, { LOCKOUT_THRESHOLD: '5' });
  const user = await enrolledUser(app, 'reset@example.test');
  const wrong = wrongCode(user.secret);
  const mfaToken = await challenge(app, user.email);
  for (let i = 0; i < 4; i++) assertRefused(await verify(app, mfaToken, { code: wrong }));

  assertTokens(await verify(app, mfaToken, { recoveryCode: user.recoveryCodes[0]! }));

  const row = await userRow(deps);
  assert.equal(row.failed_attempts, 0);
  assert.equal(row.locked_until, null);
  const next = await challenge(app, user.email);
  for (let i = 0; i < 4; i++) assertRefused(await verify(app, next, { code: wrong }));
  assertTokens(await verify(app, next, { recoveryCode: user.recoveryCodes[1]! }));
});

test('wrong codes at mfa/disable and mfa/recovery-codes count toward the same lockout', async (t) => {
  const { app, deps } = await makeApp(t, { LOCKOUT_THRESHOLD: '5' });
  const user = await enrolledUser(app, 'reauth@example.test');
  const wrong = wrongCode(user.secret);
  const reauth = (url: string) =>
    post(app, url, { password: PASSWORD, code: wrong }, user.accessToken);

  assertRefused(await reauth('/api/auth/mfa/disable'));
  assertRefused(await reauth('/api/auth/mfa/recovery-codes'));
  assertRefused(await reauth('/api/auth/mfa/disable'));
  assertRefused(await reauth('/api/auth/mfa/recovery-codes'));
  assert.equal((await userRow(deps)).failed_attempts, 4);
  const mfaToken = await challenge(app, user.email);
  assertRefused(await verify(app, mfaToken, { code: wrong }));

  assertRefused(await login(app, user.email));
  // Locked: even the right password and code cannot turn MFA off.
  await awayFromStepEdge();
  const disable = await post(
    app,
    '/api/auth/mfa/disable',
    { password: PASSWORD, code: codeAt(user.secret) },
    user.accessToken,
  );
  assertRefused(disable);
  assert.equal((await userRow(deps)).mfa_enabled, 1);
});
