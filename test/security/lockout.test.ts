/**
 * Regression tests for the audit fix "lockout" (DESIGN.md section 5): five
 * consecutive failures lock the account for fifteen minutes; a locked account
 * answers like any failed sign-in, even to the right password; success resets
 * the count; the lock ends by itself and survives a restart; every route that
 * checks a password counts toward the same lock; concurrent guesses cannot
 * slip past it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { recordFailure, refundAttempt, takeAttempt } from '../../src/auth/lockout.ts';
import {
  auditTypes,
  changePassword,
  isGenericLoginFailure,
  lab,
  login,
  loginOk,
  newUser,
  onlyUser,
  openLab,
  PASSWORD,
  together,
} from '../auth/support.ts';

const WRONG = 'a wrong password guess';

test('lockout: five wrong passwords lock the account, and the right one then gets the same generic 401', async (t) => {
  const { app, deps } = await openLab(t);
  await newUser(app, 'victim@example.test');
  for (let i = 0; i < 5; i += 1) {
    assert.ok(isGenericLoginFailure(await login(app, 'victim@example.test', WRONG)));
  }
  const right = await login(app, 'victim@example.test', PASSWORD);
  assert.ok(isGenericLoginFailure(right), right.body);
  assert.deepEqual(right.json(), (await login(app, 'nobody@example.test', WRONG)).json());

  const user = await onlyUser(deps);
  assert.ok(user.locked_until !== null);
  const minutes = (Date.parse(user.locked_until) - Date.now()) / 60_000;
  assert.ok(minutes > 14 && minutes <= 15, `locked for ${minutes} minutes`);
  const types = await auditTypes(deps, user.id);
  assert.equal(types.filter((x) => x === 'login_failure').length, 5);
  assert.equal(types.filter((x) => x === 'lockout').length, 1);
});

test('lockout: the threshold and duration come from LOCKOUT_THRESHOLD and LOCKOUT_MINUTES', async (t) => {
  const { app, deps } = await openLab(t, { LOCKOUT_THRESHOLD: '2', LOCKOUT_MINUTES: '60' });
  await newUser(app, 'victim@example.test');
  await login(app, 'victim@example.test', WRONG);
  await loginOk(app, 'victim@example.test'); // one failure is below the threshold
  await login(app, 'victim@example.test', WRONG);
  await login(app, 'victim@example.test', WRONG);
  assert.ok(isGenericLoginFailure(await login(app, 'victim@example.test', PASSWORD)));
  const minutes = (Date.parse((await onlyUser(deps)).locked_until ?? '') - Date.now()) / 60_000;
  assert.ok(minutes > 59 && minutes <= 60, `locked for ${minutes} minutes`);
});

test('lockout: a success before the threshold resets the count', async (t) => {
  const { app } = await openLab(t);
  await newUser(app, 'victim@example.test');
  for (let i = 0; i < 4; i += 1) await login(app, 'victim@example.test', WRONG);
  await loginOk(app, 'victim@example.test');
  // Without the reset these four would make eight in a row.
  for (let i = 0; i < 4; i += 1) await login(app, 'victim@example.test', WRONG);
  await loginOk(app, 'victim@example.test');
});

test('lockout: the lock ends by itself once locked_until has passed', async (t) => {
  const { app, deps } = await openLab(t);
  await newUser(app, 'victim@example.test');
  for (let i = 0; i < 5; i += 1) await login(app, 'victim@example.test', WRONG);
  assert.ok(isGenericLoginFailure(await login(app, 'victim@example.test', PASSWORD)));

  await deps.platform.db
    .updateTable('users')
    .set({ locked_until: new Date(Date.now() - 1000).toISOString() })
    .execute();
  await loginOk(app, 'victim@example.test');
  // The expired lock left no failures behind: four more wrong do not lock.
  for (let i = 0; i < 4; i += 1) await login(app, 'victim@example.test', WRONG);
  await loginOk(app, 'victim@example.test');
});

test('lockout: the lock survives a restart of the server', async (t) => {
  const l = lab(t);
  const first = await l.open();
  await newUser(first.app, 'victim@example.test');
  for (let i = 0; i < 5; i += 1) await login(first.app, 'victim@example.test', WRONG);
  await first.close();

  const second = await l.open();
  const right = await login(second.app, 'victim@example.test', PASSWORD);
  assert.ok(isGenericLoginFailure(right), right.body);
});

test('lockout: failures survive a restart too, so restarting does not grant five more guesses', async (t) => {
  const l = lab(t);
  const first = await l.open();
  await newUser(first.app, 'victim@example.test');
  for (let i = 0; i < 3; i += 1) await login(first.app, 'victim@example.test', WRONG);
  await first.close();
  const second = await l.open();
  for (let i = 0; i < 2; i += 1) await login(second.app, 'victim@example.test', WRONG);
  assert.ok(isGenericLoginFailure(await login(second.app, 'victim@example.test', PASSWORD)));
});

test('lockout: a wrong current password on POST /api/auth/password counts toward the same lock', async (t) => {
  const { app, deps } = await openLab(t);
  const { accessToken } = await newUser(app, 'victim@example.test');
  for (let i = 0; i < 3; i += 1) {
    const res = await changePassword(app, accessToken, WRONG, 'a brand new passphrase');
    assert.equal(res.statusCode, 401);
  }
  // Mixed with login failures, five in all lock the account.
  for (let i = 0; i < 2; i += 1) await login(app, 'victim@example.test', WRONG);
  assert.ok(isGenericLoginFailure(await login(app, 'victim@example.test', PASSWORD)));
  // The password route is no oracle either: locked, the right password is refused there too.
  const right = await changePassword(app, accessToken, PASSWORD, 'a brand new passphrase');
  assert.equal(right.statusCode, 401);
  const user = await onlyUser(deps);
  assert.ok((await auditTypes(deps, user.id)).includes('lockout'));
  // And the password did not change.
  await deps.platform.db.updateTable('users').set({ locked_until: null }).execute();
  await loginOk(app, 'victim@example.test');
});

test('lockout: five wrong current passwords on the password route alone lock the account', async (t) => {
  const { app } = await openLab(t);
  const { accessToken } = await newUser(app, 'victim@example.test');
  for (let i = 0; i < 5; i += 1) {
    await changePassword(app, accessToken, WRONG, 'a brand new passphrase');
  }
  assert.ok(isGenericLoginFailure(await login(app, 'victim@example.test', PASSWORD)));
});

test('lockout: ten wrong passwords sent at once are all counted and lock the account', async (t) => {
  const { app, deps } = await openLab(t, { LOCKOUT_THRESHOLD: '5', HASH_QUEUE: '100' });
  await newUser(app, 'victim@example.test');
  const answers = await together(10, () => login(app, 'victim@example.test', WRONG));
  for (const res of answers) assert.ok(isGenericLoginFailure(res), res.body);
  assert.ok(isGenericLoginFailure(await login(app, 'victim@example.test', PASSWORD)));
  const user = await onlyUser(deps);
  assert.ok(user.locked_until !== null && Date.parse(user.locked_until) > Date.now());
  const types = await auditTypes(deps, user.id);
  assert.ok(types.includes('lockout'));
  // No failure was lost: at least the threshold were recorded before the lock.
  assert.ok(types.filter((x) => x === 'login_failure').length >= 5);
});

test('lockout: failures recorded at the same instant are each counted, and exactly one of them locks', async (t) => {
  // Straight at the counter, all ten updates queued together: a read-then-write
  // counter would lose most of them.
  const { app, deps } = await openLab(t);
  await newUser(app, 'victim@example.test');
  const { id } = await onlyUser(deps);
  const counted = await Promise.all(
    Array.from({ length: 10 }, () =>
      recordFailure(deps.platform.db, id, { threshold: 100, durationMs: 60_000 }),
    ),
  );
  assert.deepEqual(counted, Array(10).fill(false));
  assert.equal((await onlyUser(deps)).failed_attempts, 10);

  const locks = await Promise.all(
    Array.from({ length: 90 }, () =>
      recordFailure(deps.platform.db, id, { threshold: 100, durationMs: 60_000 }),
    ),
  );
  assert.equal(locks.filter(Boolean).length, 1);
  assert.ok((await onlyUser(deps)).locked_until !== null);
});

test('lockout: guesses sent at once get no more answers than the threshold, even when a later one is right', async (t) => {
  // One hash at a time and a long queue: all ten guesses are in flight before
  // the first is checked, so each must see the lock set by the ones before it.
  const { app, deps } = await openLab(t, {
    ARGON2_MEMORY_KIB: '8192',
    LOCKOUT_THRESHOLD: '5',
    HASH_CONCURRENCY: '1',
    HASH_QUEUE: '100',
  });
  await newUser(app, 'victim@example.test');
  const guesses = Array.from({ length: 10 }, (_, i) => (i === 9 ? PASSWORD : `${WRONG} ${i}`));
  const answers = await Promise.all(guesses.map((g) => login(app, 'victim@example.test', g)));
  const right = answers[9]!;
  assert.ok(answers.slice(0, 9).every(isGenericLoginFailure));
  // SQLite answers every query in the order sent, so the tenth guess reaches the
  // database after the five wrong ones that lock. A PostgreSQL pool may hand requests
  // sent together to its connections in another order: there, the right guess may
  // only get in if the database counted it before the fifth wrong one.
  if (deps.platform.dialect === 'sqlite' || right.statusCode !== 200) {
    assert.ok(
      isGenericLoginFailure(right),
      `the tenth guess, after five wrong ones locked the account, got ${right.statusCode}`,
    );
    // Exactly five were checked (one audit event each); the others met the lock.
    const user = await onlyUser(deps);
    const types = await auditTypes(deps, user.id);
    assert.equal(types.filter((x) => x === 'login_failure').length, 5);
    assert.ok(user.locked_until !== null, 'five wrong guesses locked the account');
  } else {
    t.diagnostic('the database counted the right guess before the fifth wrong one');
  }
});

test('lockout: a refunded attempt answers with the row as the refund left it, and nothing when its lock was replaced', async (t) => {
  const { app, deps } = await openLab(t);
  await newUser(app, 'victim@example.test');
  const { id } = await onlyUser(deps);
  const db = deps.platform.db;
  const settings = { threshold: 3, durationMs: 60_000 };

  await recordFailure(db, id, settings);
  const now = new Date();
  const taken = await takeAttempt(db, id, settings, now);
  assert.deepEqual(taken, { allowed: true, locks: false });
  const row = await refundAttempt(db, id, settings, taken, now);
  assert.deepEqual(row, await onlyUser(deps));
  assert.equal(row?.failed_attempts, 1);

  // This attempt locks; the lock is then replaced before the refund, which changes nothing.
  await recordFailure(db, id, settings);
  const locking = await takeAttempt(db, id, settings, now);
  await takeAttempt(db, id, settings, now); // refused: locked
  assert.deepEqual(locking, { allowed: true, locks: true });
  const later = new Date(Date.now() + 120_000).toISOString();
  await db.updateTable('users').set({ locked_until: later }).where('id', '=', id).execute();
  assert.equal(await refundAttempt(db, id, settings, locking, now), undefined);
  assert.equal((await onlyUser(deps)).locked_until, later);
});
