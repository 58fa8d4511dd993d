/** Turning MFA off: POST /api/auth/mfa/disable with the password and a code. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { makeApp } from '../helpers.ts';
import {
  assertRefused,
  assertTokens,
  awayFromStepEdge,
  bearer,
  challenge,
  codeAt,
  enrolledUser,
  login,
  PASSWORD,
  post,
  userRow,
  verify,
  wrongCode,
} from './mfa-support.ts';

const DISABLE = '/api/auth/mfa/disable';

test('disable needs a signed-in user, the password and a code', async (t) => {
  const { app, deps } = await makeApp(t);
  const user = await enrolledUser(app, 'needs@example.test');
  await awayFromStepEdge();
  const code = codeAt(user.secret);

  assertRefused(await post(app, DISABLE, { password: PASSWORD, code }));
  assertRefused(await post(app, DISABLE, { password: PASSWORD }, user.accessToken), 400);
  assertRefused(await post(app, DISABLE, { code }, user.accessToken), 400);
  assertRefused(await post(app, DISABLE, {}, user.accessToken), 400);

  assert.equal((await userRow(deps)).mfa_enabled, 1);
});

test('disable with a wrong password answers 401, counts toward the lockout, and spends no code', async (t) => {
  const { app, deps } = await makeApp(t);
  const user = await enrolledUser(app, 'wrongpw@example.test');
  await awayFromStepEdge();
  const code = codeAt(user.secret);

  const res = await post(
    app,
    DISABLE,
    { password: 'not the password 123', code },
    user.accessToken,
  );

  assertRefused(res);
  const row = await userRow(deps);
  assert.equal(row.mfa_enabled, 1);
  assert.equal(row.failed_attempts, 1);
  // The code was never looked at, so it still works.
  assertTokens(await verify(app, await challenge(app, user.email), { code }));
});

test('disable with a wrong code answers 401, counts toward the lockout, and MFA stays on', async (t) => {
  const { app, deps } = await makeApp(t);
  const user = await enrolledUser(app, 'wrongcode@example.test');

  const res = await post(
    app,
    DISABLE,
    { password: PASSWORD, code: wrongCode(user.secret) },
    user.accessToken,
  );

  assertRefused(res);
  const row = await userRow(deps);
  assert.equal(row.mfa_enabled, 1);
  assert.ok(row.mfa_sealed !== null);
  assert.equal(row.failed_attempts, 1);
  const codes = await deps.platform.db.selectFrom('recovery_codes').selectAll().execute();
  assert.equal(codes.length, 10);
  await challenge(app, user.email); // login still asks for a second factor
});

test('disable turns MFA off: login gives tokens at once, recovery codes and open challenges are gone', async (t) => {
  const { app, deps } = await makeApp(t);
  const user = await enrolledUser(app, 'off@example.test');
  const pending = await challenge(app, user.email);
  await awayFromStepEdge();

  const res = await post(
    app,
    DISABLE,
    { password: PASSWORD, code: codeAt(user.secret) },
    user.accessToken,
  );

  assert.equal(res.statusCode, 204, res.body);
  const row = await userRow(deps);
  assert.equal(row.mfa_enabled, 0);
  assert.equal(row.mfa_sealed, null, 'the sealed secret is deleted');
  assert.equal(row.failed_attempts, 0);
  const codes = await deps.platform.db.selectFrom('recovery_codes').selectAll().execute();
  assert.equal(codes.length, 0);
  const challenges = await deps.platform.db.selectFrom('mfa_challenges').selectAll().execute();
  assert.equal(challenges.length, 0);

  const direct = await login(app, user.email);
  assert.equal(direct.statusCode, 200, direct.body);
  const body = direct.json() as { accessToken?: string; mfaRequired?: boolean };
  assert.ok(body.accessToken);
  assert.equal(body.mfaRequired, undefined);
  assertRefused(await verify(app, pending, { code: codeAt(user.secret, 1) }));
  assertRefused(await verify(app, pending, { recoveryCode: user.recoveryCodes[0]! }));
  const profile = await app.inject({
    method: 'GET',
    url: '/api/auth/profile',
    headers: bearer(user.accessToken),
  });
  assert.equal((profile.json() as { mfaEnabled: boolean }).mfaEnabled, false);
  const activity = await app.inject({
    method: 'GET',
    url: '/api/account/activity',
    headers: bearer(user.accessToken),
  });
  const types = (activity.json() as { items: { type: string }[] }).items.map((e) => e.type);
  assert.ok(types.includes('mfa_disabled'));
});

test('disable accepts a recovery code instead of the TOTP code', async (t) => {
  const { app, deps } = await makeApp(t);
  const user = await enrolledUser(app, 'offrc@example.test');

  const res = await post(
    app,
    DISABLE,
    { password: PASSWORD, recoveryCode: user.recoveryCodes[4] },
    user.accessToken,
  );

  assert.equal(res.statusCode, 204, res.body);
  assert.equal((await userRow(deps)).mfa_enabled, 0);
});

test('after disable, MFA can be set up again with a new secret', async (t) => {
  const { app } = await makeApp(t);
  const user = await enrolledUser(app, 'again@example.test');
  await awayFromStepEdge();
  const off = await post(
    app,
    DISABLE,
    { password: PASSWORD, code: codeAt(user.secret) },
    user.accessToken,
  );
  assert.equal(off.statusCode, 204);

  const setup = await post(app, '/api/auth/mfa/setup', {}, user.accessToken);
  assert.equal(setup.statusCode, 200, setup.body);
  const { secret } = setup.json() as { secret: string };
  assert.notEqual(secret, user.secret);
  const enable = await post(
    app,
    '/api/auth/enable-mfa',
    { password: PASSWORD, code: codeAt(secret) },
    user.accessToken,
  );
  assert.equal(enable.statusCode, 200, enable.body);
  const step1 = await challenge(app, user.email);
  // The old secret opens nothing any more.
  assertRefused(await verify(app, step1, { code: codeAt(user.secret, 1) }));
  assertTokens(await verify(app, step1, { code: codeAt(secret, 1) }));
});
