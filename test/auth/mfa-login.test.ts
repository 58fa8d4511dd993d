/**
 * The second login step: the challenge token is short-lived, single-use and
 * good for nothing else; a TOTP code works once, within one step of now.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createSigner } from 'fast-jwt';

import { AUDIENCE, ISSUER } from '../../src/auth/tokens/access-token.ts';
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
  userRow,
  verify,
  wrongCode,
} from './mfa-support.ts';

function claimsOf(token: string): { sub: string; sid: string; typ: string; exp: number } {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

/** A token signed with the server's own JWT secret, as only the server could make. */
function forge(
  jwtSecret: Buffer,
  payload: Record<string, unknown>,
  clockTimestamp = Date.now(),
): string {
  return createSigner({
    key: jwtSecret,
    algorithm: 'HS256',
    iss: ISSUER,
    aud: AUDIENCE,
    expiresIn: 300_000,
    clockTimestamp,
  })(payload);
}

test('login with MFA on answers a challenge and no session', async (t) => {
  const { app, deps } = await makeApp(t);
  const user = await enrolledUser(app, 'step1@example.test');
  const sessionsBefore = await deps.platform.db.selectFrom('sessions').selectAll().execute();

  const mfaToken = await challenge(app, user.email);

  const claims = claimsOf(mfaToken);
  assert.equal(claims.typ, 'mfa');
  const ttl = claims.exp - Math.floor(Date.now() / 1000);
  assert.ok(ttl > 240 && ttl <= 300, `the challenge lives 5 minutes, not ${ttl} s`);
  const sessionsAfter = await deps.platform.db.selectFrom('sessions').selectAll().execute();
  assert.equal(sessionsAfter.length, sessionsBefore.length, 'no session row was made');
});

test('the challenge token is refused as an access token', async (t) => {
  const { app } = await makeApp(t);
  const user = await enrolledUser(app, 'asaccess@example.test');
  const mfaToken = await challenge(app, user.email);

  for (const [method, url] of [
    ['GET', '/api/auth/profile'],
    ['GET', '/api/auth/sessions'],
    ['GET', '/api/account/activity'],
    ['POST', '/api/auth/mfa/setup'],
  ] as const) {
    const res = await app.inject({
      method,
      url,
      headers: bearer(mfaToken),
      ...(method === 'POST' ? { payload: {} } : {}),
    });
    assert.equal(res.statusCode, 401, `${method} ${url}: ${res.body}`);
  }
  const disable = await post(
    app,
    '/api/auth/mfa/disable',
    { password: PASSWORD, code: codeAt(user.secret) },
    mfaToken,
  );
  assert.equal(disable.statusCode, 401);
});

test('the challenge token is refused as a refresh token', async (t) => {
  const { app } = await makeApp(t);
  const user = await enrolledUser(app, 'asrefresh@example.test');
  const mfaToken = await challenge(app, user.email);

  const res = await post(app, '/api/auth/refresh', { refreshToken: mfaToken });

  assert.ok([400, 401].includes(res.statusCode), `refused, not ${res.statusCode}: ${res.body}`);
  assert.doesNotMatch(res.body, /accessToken|refreshToken"\s*:/);
});

test('an access token is refused as a challenge token', async (t) => {
  const { app } = await makeApp(t);
  const user = await enrolledUser(app, 'accessaschallenge@example.test');
  await awayFromStepEdge();

  assertRefused(await verify(app, user.accessToken, { code: codeAt(user.secret) }));
});

test('a challenge token works once: a second verify-mfa fails even with a fresh code', async (t) => {
  const { app } = await makeApp(t);
  const user = await enrolledUser(app, 'once@example.test');
  const mfaToken = await challenge(app, user.email);

  assertTokens(await verify(app, mfaToken, { code: codeAt(user.secret, 0) }));
  assertRefused(await verify(app, mfaToken, { code: codeAt(user.secret, 1) }));
  assertRefused(await verify(app, mfaToken, { recoveryCode: user.recoveryCodes[0]! }));

  // The refusal was the spent challenge: the same fresh code works on a new one.
  const next = await challenge(app, user.email);
  assertTokens(await verify(app, next, { code: codeAt(user.secret, 1) }));
});

test('a wrong code does not spend the challenge', async (t) => {
  const { app } = await makeApp(t);
  const user = await enrolledUser(app, 'retry@example.test');
  const mfaToken = await challenge(app, user.email);

  assertRefused(await verify(app, mfaToken, { code: wrongCode(user.secret) }));
  assertTokens(await verify(app, mfaToken, { code: codeAt(user.secret) }));
});

test('a challenge token past its 5 minutes is refused, though its row is still open', async (t) => {
  const { app, config } = await makeApp(t);
  const user = await enrolledUser(app, 'oldjwt@example.test');
  const real = await challenge(app, user.email);
  const { sub, sid } = claimsOf(real);
  const expired = forge(config.jwtSecret, { sub, sid, typ: 'mfa' }, Date.now() - 301_000);
  assert.ok(claimsOf(expired).exp < Date.now() / 1000);

  assertRefused(await verify(app, expired, { code: codeAt(user.secret) }));
  // Control: the same claims, unexpired, are accepted; so the refusal was the expiry.
  assertTokens(await verify(app, real, { code: codeAt(user.secret) }));
});

test('a challenge whose row expired is refused, though its token is still valid', async (t) => {
  const { app, deps } = await makeApp(t);
  const user = await enrolledUser(app, 'oldrow@example.test');
  const mfaToken = await challenge(app, user.email);
  await deps.platform.db
    .updateTable('mfa_challenges')
    .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
    .where('id', '=', claimsOf(mfaToken).sid)
    .execute();

  assertRefused(await verify(app, mfaToken, { code: codeAt(user.secret) }));
  const fresh = await challenge(app, user.email);
  assertTokens(await verify(app, fresh, { code: codeAt(user.secret) }));
});

test('the challenge row expires 5 minutes after login', async (t) => {
  const { app, deps } = await makeApp(t);
  const user = await enrolledUser(app, 'rowttl@example.test');
  const before = Date.now();
  const mfaToken = await challenge(app, user.email);
  const row = await deps.platform.db
    .selectFrom('mfa_challenges')
    .selectAll()
    .where('id', '=', claimsOf(mfaToken).sid)
    .executeTakeFirstOrThrow();
  const ttl = Date.parse(row.expires_at) - before;
  assert.ok(ttl >= 299_000 && ttl <= 301_000, `row lives ${ttl} ms`);
});

test('a forged, tampered or foreign-key challenge token is refused', async (t) => {
  const { app } = await makeApp(t);
  const user = await enrolledUser(app, 'forged@example.test');
  const real = await challenge(app, user.email);
  const { sub, sid } = claimsOf(real);
  const otherKey = forge(Buffer.alloc(32, 7), { sub, sid, typ: 'mfa' });
  const [h, p, s] = real.split('.');
  const payload = Buffer.from(
    JSON.stringify({ ...claimsOf(real), exp: claimsOf(real).exp + 3600 }),
  ).toString('base64url');
  const tampered = `${h}.${payload}.${s}`;
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;

  for (const token of [otherKey, tampered, none, 'not-a-token']) {
    assertRefused(await verify(app, token, { code: codeAt(user.secret) }));
  }
  assertTokens(await verify(app, real, { code: codeAt(user.secret) }));
});

test("a challenge for user A cannot be completed with user B's code", async (t) => {
  const { app } = await makeApp(t);
  const a = await enrolledUser(app, 'alice@example.test');
  const b = await enrolledUser(app, 'bob@example.test');
  await awayFromStepEdge();
  const aChallenge = await challenge(app, a.email);

  assertRefused(await verify(app, aChallenge, { code: codeAt(b.secret) }));
  assertRefused(await verify(app, aChallenge, { recoveryCode: b.recoveryCodes[0]! }));

  // Controls: B's code and recovery code were not spent, and A's challenge still works for A.
  const bChallenge = await challenge(app, b.email);
  assertTokens(await verify(app, bChallenge, { code: codeAt(b.secret) }));
  const bAgain = await challenge(app, b.email);
  assertTokens(await verify(app, bAgain, { recoveryCode: b.recoveryCodes[0]! }));
  assertTokens(await verify(app, aChallenge, { code: codeAt(a.secret) }));
});

test('a challenge id re-signed for another user is refused', async (t) => {
  const { app, config } = await makeApp(t);
  const a = await enrolledUser(app, 'victim@example.test');
  const b = await enrolledUser(app, 'mallory@example.test');
  const aChallenge = await challenge(app, a.email);
  const bId = claimsOf(await challenge(app, b.email)).sub;
  // Even a holder of the JWT secret cannot bind A's challenge row to B.
  const crossed = forge(config.jwtSecret, { sub: bId, sid: claimsOf(aChallenge).sid, typ: 'mfa' });

  assertRefused(await verify(app, crossed, { code: codeAt(b.secret) }));
});

test('a TOTP code accepted once is refused the second time, and so is an older one', async (t) => {
  const { app, deps } = await makeApp(t);
  const user = await enrolledUser(app, 'replay@example.test');
  await awayFromStepEdge();
  const code = codeAt(user.secret, 0);

  assertTokens(await verify(app, await challenge(app, user.email), { code }));
  assertRefused(await verify(app, await challenge(app, user.email), { code }));
  // The previous step's code is still inside the window but older than the last one used.
  assertRefused(
    await verify(app, await challenge(app, user.email), { code: codeAt(user.secret, -1) }),
  );

  const row = await userRow(deps);
  assert.equal(row.mfa_last_step, Math.floor(Date.now() / 30_000));
  assertTokens(
    await verify(app, await challenge(app, user.email), { code: codeAt(user.secret, 1) }),
  );
});

test('a code used at verify-mfa is refused at mfa/disable, and MFA stays on', async (t) => {
  const { app, deps } = await makeApp(t);
  const user = await enrolledUser(app, 'crossroute@example.test');
  await awayFromStepEdge();
  const code = codeAt(user.secret);
  const { accessToken } = assertTokens(
    await verify(app, await challenge(app, user.email), { code }),
  );

  const res = await post(app, '/api/auth/mfa/disable', { password: PASSWORD, code }, accessToken);

  assertRefused(res);
  const row = await userRow(deps);
  assert.equal(row.mfa_enabled, 1);
  assert.equal(row.failed_attempts, 1, 'the replayed code counted as a failure');
  await challenge(app, user.email); // login still asks for a second factor
});

test('a code used at mfa/recovery-codes is refused at verify-mfa', async (t) => {
  const { app } = await makeApp(t);
  const user = await enrolledUser(app, 'crossroute2@example.test');
  await awayFromStepEdge();
  const code = codeAt(user.secret);
  const regen = await post(
    app,
    '/api/auth/mfa/recovery-codes',
    { password: PASSWORD, code },
    user.accessToken,
  );
  assert.equal(regen.statusCode, 200, regen.body);

  assertRefused(await verify(app, await challenge(app, user.email), { code }));
});

test('two parallel verify-mfa with the same code on two challenges: exactly one succeeds', async (t) => {
  const { app } = await makeApp(t);
  const user = await enrolledUser(app, 'race@example.test');

  for (const steps of [0, 1]) {
    const tokens = await Promise.all(Array.from({ length: 2 }, () => challenge(app, user.email)));
    await awayFromStepEdge(3000);
    const code = codeAt(user.secret, steps);
    const answers = await Promise.all(tokens.map((mfaToken) => verify(app, mfaToken, { code })));
    const statuses = answers.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [200, 401], `step +${steps}: ${answers.map((r) => r.body).join()}`);
  }
});

test('ten parallel verify-mfa with the same code: exactly one succeeds', async (t) => {
  const { app } = await makeApp(t, { LOCKOUT_THRESHOLD: '100' });
  const user = await enrolledUser(app, 'race10@example.test');
  const tokens = await Promise.all(Array.from({ length: 10 }, () => challenge(app, user.email)));
  await awayFromStepEdge(3000);
  const code = codeAt(user.secret);

  const answers = await Promise.all(tokens.map((mfaToken) => verify(app, mfaToken, { code })));

  assert.equal(answers.filter((r) => r.statusCode === 200).length, 1);
  assert.equal(answers.filter((r) => r.statusCode === 401).length, 9);
});

test('verify-mfa accepts the next step and refuses two steps ahead', async (t) => {
  const { app } = await makeApp(t);
  const user = await enrolledUser(app, 'window@example.test');
  await awayFromStepEdge();
  const mfaToken = await challenge(app, user.email);

  for (const steps of [2, 3]) {
    const code = codeAt(user.secret, steps);
    if ([-1, 0, 1].some((s) => codeAt(user.secret, s) === code)) continue; // chance collision
    assertRefused(await verify(app, mfaToken, { code }));
  }
  assertTokens(await verify(app, mfaToken, { code: codeAt(user.secret, 1) }));
});

test('verify-mfa refuses a body with both a code and a recovery code', async (t) => {
  const { app } = await makeApp(t);
  const user = await enrolledUser(app, 'both@example.test');
  const mfaToken = await challenge(app, user.email);

  const res = await post(app, '/api/auth/verify-mfa', {
    mfaToken,
    code: codeAt(user.secret),
    recoveryCode: user.recoveryCodes[0],
  });

  assertRefused(res, 400);
});
