/** Enrolment: POST /api/auth/mfa/setup, then POST /api/auth/enable-mfa with a first code. */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { base32Decode } from '../totp-reference.ts';
import {
  awayFromStepEdge,
  bearer,
  codeAt,
  login,
  newUser,
  PASSWORD,
  post,
  userRow,
  wrongCode,
} from './mfa-support.ts';
import { makeApp } from '../helpers.ts';

test('setup returns a 160-bit base32 secret, an otpauth URI for issuer Daybook and the email, and a QR data URL', async (t) => {
  const { app } = await makeApp(t);
  const token = await newUser(app, 'Ada.Setup@Example.test');

  const res = await post(app, '/api/auth/mfa/setup', {}, token);

  assert.equal(res.statusCode, 200, res.body);
  const { secret, otpauthUri, qrCode } = res.json() as Record<string, string>;
  assert.match(secret!, /^[A-Z2-7]{32}$/);
  assert.equal(base32Decode(secret!).length, 20);
  const uri = new URL(otpauthUri!);
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.host, 'totp');
  assert.equal(decodeURIComponent(uri.pathname), '/Daybook:ada.setup@example.test');
  assert.equal(uri.searchParams.get('issuer'), 'Daybook');
  assert.equal(uri.searchParams.get('secret'), secret);
  assert.equal(uri.searchParams.get('algorithm'), 'SHA1');
  assert.equal(uri.searchParams.get('digits'), '6');
  assert.equal(uri.searchParams.get('period'), '30');
  assert.match(qrCode!, /^data:image\/(png|svg\+xml);base64,[A-Za-z0-9+/]+=*$/);
  const png = Buffer.from(qrCode!.split(',')[1]!, 'base64');
  assert.ok(png.length > 100, 'the QR code is an image, not an empty string');
});

test('setup alone does not turn MFA on: login still gives tokens at once', async (t) => {
  const { app } = await makeApp(t);
  const token = await newUser(app, 'pending@example.test');
  assert.equal((await post(app, '/api/auth/mfa/setup', {}, token)).statusCode, 200);

  const res = await login(app, 'pending@example.test');

  assert.equal(res.statusCode, 200, res.body);
  assert.ok((res.json() as { accessToken?: string }).accessToken);
  const profile = await app.inject({
    method: 'GET',
    url: '/api/auth/profile',
    headers: bearer(token),
  });
  assert.equal((profile.json() as { mfaEnabled: boolean }).mfaEnabled, false);
});

test('setup needs a signed-in user', async (t) => {
  const { app } = await makeApp(t);
  assert.equal((await post(app, '/api/auth/mfa/setup', {})).statusCode, 401);
  assert.equal(
    (await post(app, '/api/auth/enable-mfa', { password: PASSWORD, code: '123456' })).statusCode,
    401,
  );
});

test('each setup makes a new secret, and only the latest one can be enabled', async (t) => {
  const { app } = await makeApp(t);
  const token = await newUser(app, 'twice@example.test');
  const first = (await post(app, '/api/auth/mfa/setup', {}, token)).json() as { secret: string };
  const second = (await post(app, '/api/auth/mfa/setup', {}, token)).json() as { secret: string };
  assert.notEqual(first.secret, second.secret);
  await awayFromStepEdge();

  const stale = await post(
    app,
    '/api/auth/enable-mfa',
    { password: PASSWORD, code: codeAt(first.secret) },
    token,
  );
  assert.equal(stale.statusCode, 400, stale.body);
  const ok = await post(
    app,
    '/api/auth/enable-mfa',
    { password: PASSWORD, code: codeAt(second.secret) },
    token,
  );
  assert.equal(ok.statusCode, 200, ok.body);
});

test('enable-mfa with a wrong code answers 400 and MFA stays off', async (t) => {
  const { app, deps } = await makeApp(t);
  const token = await newUser(app, 'wrong@example.test');
  const { secret } = (await post(app, '/api/auth/mfa/setup', {}, token)).json() as {
    secret: string;
  };
  await awayFromStepEdge();

  for (const code of [wrongCode(secret), codeAt(secret, -2), codeAt(secret, 2)]) {
    if ([-1, 0, 1].some((s) => codeAt(secret, s) === code)) continue; // a chance collision
    const res = await post(app, '/api/auth/enable-mfa', { password: PASSWORD, code }, token);
    assert.equal(res.statusCode, 400, res.body);
    assert.doesNotMatch(res.body, /recoveryCodes/);
  }

  assert.equal((await userRow(deps)).mfa_enabled, 0);
  const again = await login(app, 'wrong@example.test');
  assert.ok((again.json() as { accessToken?: string }).accessToken, 'login still gives tokens');
  const codes = await deps.platform.db.selectFrom('recovery_codes').selectAll().execute();
  assert.equal(codes.length, 0);
});

test('enable-mfa accepts the code of the previous or the next step', async (t) => {
  const { app } = await makeApp(t);
  for (const [email, steps] of [
    ['previous@example.test', -1],
    ['next@example.test', 1],
  ] as const) {
    const token = await newUser(app, email);
    const { secret } = (await post(app, '/api/auth/mfa/setup', {}, token)).json() as {
      secret: string;
    };
    await awayFromStepEdge();
    const res = await post(
      app,
      '/api/auth/enable-mfa',
      { password: PASSWORD, code: codeAt(secret, steps) },
      token,
    );
    assert.equal(res.statusCode, 200, `${email}: ${res.body}`);
  }
});

test('enable-mfa returns ten distinct recovery codes and turns MFA on', async (t) => {
  const { app, deps } = await makeApp(t);
  const token = await newUser(app, 'codes@example.test');
  const { secret } = (await post(app, '/api/auth/mfa/setup', {}, token)).json() as {
    secret: string;
  };
  await awayFromStepEdge();

  const res = await post(
    app,
    '/api/auth/enable-mfa',
    { password: PASSWORD, code: codeAt(secret) },
    token,
  );

  assert.equal(res.statusCode, 200, res.body);
  const { recoveryCodes } = res.json() as { recoveryCodes: string[] };
  assert.equal(recoveryCodes.length, 10);
  assert.equal(new Set(recoveryCodes.map((c) => c.replace(/-/g, ''))).size, 10);
  for (const code of recoveryCodes) assert.match(code, /^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
  assert.equal((await userRow(deps)).mfa_enabled, 1);
  const profile = await app.inject({
    method: 'GET',
    url: '/api/auth/profile',
    headers: bearer(token),
  });
  assert.equal((profile.json() as { mfaEnabled: boolean }).mfaEnabled, true);
  const step1 = await login(app, 'codes@example.test');
  assert.equal((step1.json() as { mfaRequired?: boolean }).mfaRequired, true);
});

test('the code that enabled MFA cannot be used again to sign in', async (t) => {
  const { app } = await makeApp(t);
  const token = await newUser(app, 'enablecode@example.test');
  const { secret } = (await post(app, '/api/auth/mfa/setup', {}, token)).json() as {
    secret: string;
  };
  await awayFromStepEdge();
  const code = codeAt(secret);
  assert.equal(
    (await post(app, '/api/auth/enable-mfa', { password: PASSWORD, code }, token)).statusCode,
    200,
  );

  const step1 = await login(app, 'enablecode@example.test');
  const { mfaToken } = step1.json() as { mfaToken: string };
  const res = await post(app, '/api/auth/verify-mfa', { mfaToken, code });

  assert.equal(res.statusCode, 401, res.body);
});

test('setup while MFA is on answers 409 and keeps the enrolled secret working', async (t) => {
  const { app } = await makeApp(t);
  const token = await newUser(app, 'on@example.test');
  const { secret } = (await post(app, '/api/auth/mfa/setup', {}, token)).json() as {
    secret: string;
  };
  await awayFromStepEdge();
  assert.equal(
    (
      await post(
        app,
        '/api/auth/enable-mfa',
        { password: PASSWORD, code: codeAt(secret, -1) },
        token,
      )
    ).statusCode,
    200,
  );

  const again = await post(app, '/api/auth/mfa/setup', {}, token);
  assert.equal(again.statusCode, 409, again.body);
  assert.doesNotMatch(again.body, /secret/i);
  const enableAgain = await post(
    app,
    '/api/auth/enable-mfa',
    { password: PASSWORD, code: codeAt(secret) },
    token,
  );
  assert.equal(enableAgain.statusCode, 409, enableAgain.body);

  const step1 = await login(app, 'on@example.test');
  const { mfaToken } = step1.json() as { mfaToken: string };
  const res = await post(app, '/api/auth/verify-mfa', { mfaToken, code: codeAt(secret, 1) });
  assert.equal(res.statusCode, 200, res.body);
});

test('enable-mfa needs the password: a stolen access token alone cannot enrol an attacker authenticator', async (t) => {
  const { app } = await makeApp(t);
  const token = await newUser(app, 'stolen@example.test');
  const setup = await post(app, '/api/auth/mfa/setup', {}, token);
  const { secret } = setup.json() as { secret: string };
  const noPassword = await post(app, '/api/auth/enable-mfa', { code: codeAt(secret) }, token);
  assert.equal(noPassword.statusCode, 400);
  const wrong = await post(
    app,
    '/api/auth/enable-mfa',
    { password: 'not the password at all', code: codeAt(secret) },
    token,
  );
  assert.equal(wrong.statusCode, 401);
  const profile = await app.inject({
    method: 'GET',
    url: '/api/auth/profile',
    headers: bearer(token),
  });
  assert.equal(profile.json().mfaEnabled, false);
});
