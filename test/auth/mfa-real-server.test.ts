/**
 * Two-factor authentication against the real server process over TCP
 * (`node --import tsx src/server.ts`), with codes from the reference
 * implementation: enrol, log in with a code, log in with a recovery code,
 * replay refused, brute force locked, disable. The server logs at trace level
 * with its production logger, and the log must hold no secret or code.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';

import { tempDir, testDatabases, testEnv } from '../helpers.ts';
import { startServer } from '../process-helpers.ts';
import { awayFromStepEdge, codeAt, PASSWORD, wrongCode } from './mfa-support.ts';

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly json: Record<string, unknown>;
}

function client(base: string) {
  return async function call(
    method: string,
    path: string,
    body?: Record<string, unknown>,
    token?: string,
  ): Promise<Answer> {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // 204 and the like carry no JSON.
    }
    return { status: res.status, body: text, json };
  };
}

test('the real server: enrol, code login, recovery login, replay refused, brute force locked, disable', async (t) => {
  const dir = tempDir('daybook-mfa-process-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const server = await startServer(
    testEnv(dir, {
      ...(await testDatabases(t, dir)),
      LOG_LEVEL: 'trace',
      LOCKOUT_THRESHOLD: '5',
      RATE_LIMIT_MFA_MAX: '100',
    }),
  );
  t.after(() => server.stop('SIGKILL'));
  const call = client(server.url);
  const email = 'process@example.test';
  const secrets: string[] = [];

  // Enrol.
  assert.equal((await call('POST', '/api/auth/signup', { email, password: PASSWORD })).status, 202);
  const first = await call('POST', '/api/auth/login', { email, password: PASSWORD });
  assert.equal(first.status, 200, first.body);
  const access = first.json.accessToken as string;
  const setup = await call('POST', '/api/auth/mfa/setup', {}, access);
  assert.equal(setup.status, 200, setup.body);
  const secret = setup.json.secret as string;
  secrets.push(secret);
  await awayFromStepEdge(8000);
  const enable = await call(
    'POST',
    '/api/auth/enable-mfa',
    { password: PASSWORD, code: codeAt(secret, -1) },
    access,
  );
  assert.equal(enable.status, 200, enable.body);
  const recoveryCodes = enable.json.recoveryCodes as string[];
  assert.equal(recoveryCodes.length, 10);
  secrets.push(...recoveryCodes);

  // Log in with a code.
  const step1 = await call('POST', '/api/auth/login', { email, password: PASSWORD });
  assert.equal(step1.json.mfaRequired, true, step1.body);
  assert.equal(step1.json.accessToken, undefined);
  const mfaToken = step1.json.mfaToken as string;
  secrets.push(mfaToken);
  const code = codeAt(secret);
  const withCode = await call('POST', '/api/auth/verify-mfa', { mfaToken, code });
  assert.equal(withCode.status, 200, withCode.body);
  const profile = await call(
    'GET',
    '/api/auth/profile',
    undefined,
    withCode.json.accessToken as string,
  );
  assert.equal(profile.json.mfaEnabled, true);
  assert.equal((await call('GET', '/api/auth/profile', undefined, mfaToken)).status, 401);

  // Replay: the same code on a new challenge, the spent challenge with a fresh code.
  const step2 = await call('POST', '/api/auth/login', { email, password: PASSWORD });
  const replay = await call('POST', '/api/auth/verify-mfa', {
    mfaToken: step2.json.mfaToken,
    code,
  });
  assert.equal(replay.status, 401, replay.body);
  const spent = await call('POST', '/api/auth/verify-mfa', { mfaToken, code: codeAt(secret, 1) });
  assert.equal(spent.status, 401, spent.body);

  // Log in with a recovery code; it works once.
  const withRecovery = await call('POST', '/api/auth/verify-mfa', {
    mfaToken: step2.json.mfaToken,
    recoveryCode: recoveryCodes[0],
  });
  assert.equal(withRecovery.status, 200, withRecovery.body);
  const step3 = await call('POST', '/api/auth/login', { email, password: PASSWORD });
  const again = await call('POST', '/api/auth/verify-mfa', {
    mfaToken: step3.json.mfaToken,
    recoveryCode: recoveryCodes[0],
  });
  assert.equal(again.status, 401, again.body);
  const activity = await call(
    'GET',
    '/api/account/activity',
    undefined,
    withRecovery.json.accessToken as string,
  );
  const types = (activity.json.items as { type: string }[]).map((e) => e.type);
  assert.ok(types.includes('recovery_code_used'), activity.body);

  // Disable with password and a code: login gives tokens at once again.
  const off = await call(
    'POST',
    '/api/auth/mfa/disable',
    { password: PASSWORD, code: codeAt(secret, 1) },
    access,
  );
  assert.equal(off.status, 204, off.body);
  const direct = await call('POST', '/api/auth/login', { email, password: PASSWORD });
  assert.equal(direct.status, 200, direct.body);
  assert.ok(direct.json.accessToken);

  // Brute force, on a second account: five wrong codes across challenges lock it.
  const victim = 'victim@example.test';
  await call('POST', '/api/auth/signup', { email: victim, password: PASSWORD });
  const vAccess = (await call('POST', '/api/auth/login', { email: victim, password: PASSWORD }))
    .json.accessToken as string;
  const vSecret = (await call('POST', '/api/auth/mfa/setup', {}, vAccess)).json.secret as string;
  secrets.push(vSecret);
  await awayFromStepEdge(8000);
  const vEnable = await call(
    'POST',
    '/api/auth/enable-mfa',
    { password: PASSWORD, code: codeAt(vSecret, -1) },
    vAccess,
  );
  assert.equal(vEnable.status, 200, vEnable.body);
  const wrongPassword = await call('POST', '/api/auth/login', {
    email: 'nobody@example.test',
    password: PASSWORD,
  });
  const kept = (await call('POST', '/api/auth/login', { email: victim, password: PASSWORD })).json
    .mfaToken as string;
  const wrong = wrongCode(vSecret);
  let wrongAnswer = '';
  for (let i = 0; i < 5; i++) {
    const challenge = await call('POST', '/api/auth/login', { email: victim, password: PASSWORD });
    assert.equal(challenge.json.mfaRequired, true, `attempt ${i}: ${challenge.body}`);
    const res = await call('POST', '/api/auth/verify-mfa', {
      mfaToken: challenge.json.mfaToken,
      code: wrong,
    });
    assert.equal(res.status, 401);
    wrongAnswer = res.body;
  }
  const locked = await call('POST', '/api/auth/login', { email: victim, password: PASSWORD });
  assert.equal(locked.status, 401);
  assert.equal(locked.body, wrongPassword.body, 'locked looks like a wrong password');
  const rightCode = await call('POST', '/api/auth/verify-mfa', {
    mfaToken: kept,
    code: codeAt(vSecret),
  });
  assert.equal(rightCode.status, 401);
  assert.equal(rightCode.body, wrongAnswer, 'locked looks like a wrong code');

  const exit = await server.stop('SIGTERM');
  assert.equal(exit.code, 0, server.output());
  const log = `${exit.stdout}\n${exit.stderr}`;
  assert.match(log, /verify-mfa/, 'the log saw the requests');
  for (const s of secrets) {
    assert.ok(!log.includes(s), 'a secret, recovery code or challenge token is in the log');
    assert.ok(!log.toLowerCase().includes(s.toLowerCase()));
  }
  for (const c of [code, codeAt(secret, -1), codeAt(secret, 1), wrong]) {
    assert.doesNotMatch(log, new RegExp(`(?<![0-9])${c}(?![0-9])`), 'a TOTP code is in the log');
  }
});
