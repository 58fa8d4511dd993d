import assert from 'node:assert/strict';
import { test } from 'node:test';

import { makeApp } from '../helpers.ts';
import { totpAt } from '../totp-reference.ts';

const PASSWORD = 'violet sunrise 4821';

test('enrol, log in with a code, replay refused, recovery code works once', async (t) => {
  const { app } = await makeApp(t);
  await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email: 'mfa@example.test', password: PASSWORD },
  });
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'mfa@example.test', password: PASSWORD },
  });
  const auth = { authorization: `Bearer ${login.json().accessToken}` };
  const setup = await app.inject({ method: 'POST', url: '/api/auth/mfa/setup', headers: auth });
  assert.equal(setup.statusCode, 200, setup.body);
  const { secret, otpauthUri, qrCode } = setup.json();
  assert.match(otpauthUri, /^otpauth:\/\/totp\/Daybook:mfa%40example\.test\?/);
  assert.match(qrCode, /^data:image\/png;base64,/);
  const now = Math.floor(Date.now() / 1000);
  const enable = await app.inject({
    method: 'POST',
    url: '/api/auth/enable-mfa',
    headers: auth,
    payload: { password: PASSWORD, code: totpAt(secret, now - 30) },
  });
  assert.equal(enable.statusCode, 200, enable.body);
  const codes: string[] = enable.json().recoveryCodes;
  assert.equal(codes.length, 10);

  const step1 = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'mfa@example.test', password: PASSWORD },
  });
  assert.equal(step1.json().mfaRequired, true);
  const code = totpAt(secret, now);
  const ok = await app.inject({
    method: 'POST',
    url: '/api/auth/verify-mfa',
    payload: { mfaToken: step1.json().mfaToken, code },
  });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.ok(ok.json().accessToken);

  const step2 = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'mfa@example.test', password: PASSWORD },
  });
  const replay = await app.inject({
    method: 'POST',
    url: '/api/auth/verify-mfa',
    payload: { mfaToken: step2.json().mfaToken, code },
  });
  assert.equal(replay.statusCode, 401);
  const recovery = await app.inject({
    method: 'POST',
    url: '/api/auth/verify-mfa',
    payload: { mfaToken: step2.json().mfaToken, recoveryCode: codes[0] },
  });
  assert.equal(recovery.statusCode, 200, recovery.body);
  const step3 = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'mfa@example.test', password: PASSWORD },
  });
  const again = await app.inject({
    method: 'POST',
    url: '/api/auth/verify-mfa',
    payload: { mfaToken: step3.json().mfaToken, recoveryCode: codes[0] },
  });
  assert.equal(again.statusCode, 401);
  const asAccess = await app.inject({
    method: 'GET',
    url: '/api/auth/profile',
    headers: { authorization: `Bearer ${step3.json().mfaToken}` },
  });
  assert.equal(asAccess.statusCode, 401);
});
