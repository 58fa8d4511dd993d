/** Recovery codes: single-use, audited, stored only as keyed hashes, replaceable. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { bytesAtRest } from '../at-rest.ts';
import { makeApp } from '../helpers.ts';
import {
  assertRefused,
  assertTokens,
  awayFromStepEdge,
  bearer,
  challenge,
  codeAt,
  enrolledUser,
  PASSWORD,
  post,
  verify,
} from './mfa-support.ts';

test('each recovery code signs in once', async (t) => {
  // Ten refusals in a row would otherwise lock the account halfway.
  const { app } = await makeApp(t, { LOCKOUT_THRESHOLD: '50' });
  const user = await enrolledUser(app, 'recover@example.test');

  for (const code of user.recoveryCodes) {
    assertTokens(await verify(app, await challenge(app, user.email), { recoveryCode: code }));
  }
  for (const code of user.recoveryCodes) {
    assertRefused(await verify(app, await challenge(app, user.email), { recoveryCode: code }));
  }
});

test('a recovery code is accepted whatever its case, spaces or dashes, but still once', async (t) => {
  const { app } = await makeApp(t);
  const user = await enrolledUser(app, 'typed@example.test');
  const code = user.recoveryCodes[0]!;
  const typed = code.toUpperCase().replace(/-/g, ' ');

  assertTokens(await verify(app, await challenge(app, user.email), { recoveryCode: typed }));
  assertRefused(await verify(app, await challenge(app, user.email), { recoveryCode: code }));
});

test('two parallel verify-mfa with the same recovery code: exactly one succeeds', async (t) => {
  const { app } = await makeApp(t);
  const user = await enrolledUser(app, 'racerc@example.test');
  const tokens = await Promise.all([challenge(app, user.email), challenge(app, user.email)]);

  const answers = await Promise.all(
    tokens.map((mfaToken) => verify(app, mfaToken, { recoveryCode: user.recoveryCodes[3]! })),
  );

  assert.deepEqual(answers.map((r) => r.statusCode).sort(), [200, 401]);
});

test('using a recovery code is an audit event in GET /api/account/activity', async (t) => {
  const { app } = await makeApp(t);
  const user = await enrolledUser(app, 'audited@example.test');
  const { accessToken } = assertTokens(
    await verify(app, await challenge(app, user.email), { recoveryCode: user.recoveryCodes[1]! }),
  );

  const res = await app.inject({
    method: 'GET',
    url: '/api/account/activity',
    headers: { ...bearer(accessToken), 'user-agent': 'activity-test' },
  });

  assert.equal(res.statusCode, 200, res.body);
  const items = (res.json() as { items: { type: string; ip: string | null }[] }).items;
  const used = items.filter((e) => e.type === 'recovery_code_used');
  assert.equal(used.length, 1);
  assert.ok(used[0]!.ip, 'the event records where it came from');
  assert.doesNotMatch(res.body, new RegExp(user.recoveryCodes[1]!));
});

test('a wrong recovery code is not an audit event of use', async (t) => {
  const { app } = await makeApp(t);
  const user = await enrolledUser(app, 'wrongrc@example.test');
  assertRefused(
    await verify(app, await challenge(app, user.email), { recoveryCode: 'aaaa-bbbb-cccc-dddd' }),
  );
  const res = await app.inject({
    method: 'GET',
    url: '/api/account/activity',
    headers: bearer(user.accessToken),
  });
  const types = (res.json() as { items: { type: string }[] }).items.map((e) => e.type);
  assert.ok(!types.includes('recovery_code_used'));
  assert.ok(types.includes('mfa_failure'));
});

test('recovery codes are stored only as hashes: the platform database holds none of them', async (t) => {
  const { app, deps } = await makeApp(t);
  const user = await enrolledUser(app, 'hashed@example.test');
  // One used, the others unused: neither kind may be stored as typed.
  assertTokens(
    await verify(app, await challenge(app, user.email), { recoveryCode: user.recoveryCodes[0]! }),
  );

  const rows = await deps.platform.db.selectFrom('recovery_codes').selectAll().execute();
  assert.equal(rows.length, 10);
  for (const row of rows) assert.match(row.code_hash, /^[0-9a-f]{64}$/);

  // SQLite: the file and its WAL as on disk; PostgreSQL: every column of every table.
  const bytes = await bytesAtRest(deps.platform);
  const text = bytes.toString('latin1').toLowerCase();
  for (const code of user.recoveryCodes) {
    assert.ok(!text.includes(code), 'a recovery code as shown');
    assert.ok(!text.includes(code.replace(/-/g, '')), 'a recovery code without dashes');
  }
});

test('regenerating recovery codes needs the password and a code, and invalidates the old ones', async (t) => {
  const { app } = await makeApp(t);
  const user = await enrolledUser(app, 'regen@example.test');
  await awayFromStepEdge();

  const wrongPassword = await post(
    app,
    '/api/auth/mfa/recovery-codes',
    { password: 'not the password 123', code: codeAt(user.secret) },
    user.accessToken,
  );
  assertRefused(wrongPassword);
  const noCode = await post(
    app,
    '/api/auth/mfa/recovery-codes',
    { password: PASSWORD },
    user.accessToken,
  );
  assert.equal(noCode.statusCode, 400);
  const res = await post(
    app,
    '/api/auth/mfa/recovery-codes',
    { password: PASSWORD, code: codeAt(user.secret) },
    user.accessToken,
  );

  assert.equal(res.statusCode, 200, res.body);
  const fresh = (res.json() as { recoveryCodes: string[] }).recoveryCodes;
  assert.equal(fresh.length, 10);
  assert.equal(new Set(fresh).size, 10);
  for (const old of user.recoveryCodes) assert.ok(!fresh.includes(old));
  for (const old of user.recoveryCodes.slice(0, 3)) {
    assertRefused(await verify(app, await challenge(app, user.email), { recoveryCode: old }));
  }
  assertTokens(await verify(app, await challenge(app, user.email), { recoveryCode: fresh[0]! }));
});

test('a recovery code can stand in for the TOTP code when regenerating, and is spent by it', async (t) => {
  const { app } = await makeApp(t);
  const user = await enrolledUser(app, 'regenrc@example.test');
  const res = await post(
    app,
    '/api/auth/mfa/recovery-codes',
    { password: PASSWORD, recoveryCode: user.recoveryCodes[0] },
    user.accessToken,
  );
  assert.equal(res.statusCode, 200, res.body);
  const fresh = (res.json() as { recoveryCodes: string[] }).recoveryCodes;
  assertRefused(
    await verify(app, await challenge(app, user.email), { recoveryCode: user.recoveryCodes[0]! }),
  );
  assertTokens(await verify(app, await challenge(app, user.email), { recoveryCode: fresh[9]! }));
});
