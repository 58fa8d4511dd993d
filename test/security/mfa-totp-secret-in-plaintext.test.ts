/**
 * Regression: TOTP secret in plaintext. The secret lives only sealed under
 * the user's data key: no database file, no WAL and no log line may hold it,
 * in any encoding, nor any code or recovery code. On PostgreSQL, whose files
 * belong to the server, no value of any column of any table may hold it.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';

import type { AppDeps } from '../../src/context.ts';
import { bytesAtRest, describeAtRest } from '../at-rest.ts';
import { makeApp } from '../helpers.ts';
import { base32Decode } from '../totp-reference.ts';
import {
  assertRefused,
  assertTokens,
  awayFromStepEdge,
  challenge,
  codeAt,
  newUser,
  PASSWORD,
  post,
  userRow,
  verify,
  wrongCode,
} from '../auth/mfa-support.ts';

/** Every form the secret could be written in: base32 (any case), raw, hex, base64. */
function forms(secret: string): Buffer[] {
  const raw = base32Decode(secret);
  return [
    Buffer.from(secret),
    Buffer.from(secret.toLowerCase()),
    raw,
    Buffer.from(raw.toString('hex')),
    Buffer.from(raw.toString('hex').toUpperCase()),
    Buffer.from(raw.toString('base64')),
    Buffer.from(raw.toString('base64url')),
  ];
}

async function assertNowhereOnDisk(deps: AppDeps, needles: Buffer[], stage: string) {
  // Read WAL and main file as they are, then again after a checkpoint moved the WAL in.
  for (const pass of ['before checkpoint', 'after checkpoint']) {
    if (pass === 'after checkpoint') await deps.platform.checkpoint();
    for (const database of [deps.platform, deps.vault] as const) {
      const bytes = await bytesAtRest(database);
      const where = describeAtRest(database);
      for (const needle of needles) {
        assert.equal(bytes.indexOf(needle), -1, `${stage}, ${pass}: ${where} holds the secret`);
      }
    }
  }
}

test('TOTP secret in plaintext: no database file or WAL holds the secret, from setup to disable', async (t) => {
  const { app, deps } = await makeApp(t);
  const token = await newUser(app, 'sealed@example.test');
  const setup = await post(app, '/api/auth/mfa/setup', {}, token);
  const { secret } = setup.json() as { secret: string };
  const needles = forms(secret);

  // Control: the search sees what is stored in the clear (the user's id).
  const { id } = await userRow(deps);
  const platform = await bytesAtRest(deps.platform);
  assert.notEqual(platform.indexOf(Buffer.from(id)), -1, 'the control is found');

  const pending = await userRow(deps);
  assert.ok(pending.mfa_sealed !== null && pending.mfa_sealed.length > 20, 'stored, sealed');
  await assertNowhereOnDisk(deps, needles, 'pending');

  await awayFromStepEdge();
  const enable = await post(
    app,
    '/api/auth/enable-mfa',
    { password: PASSWORD, code: codeAt(secret, -1) },
    token,
  );
  assert.equal(enable.statusCode, 200, enable.body);
  await assertNowhereOnDisk(deps, needles, 'enabled');

  assertTokens(
    await verify(app, await challenge(app, 'sealed@example.test'), { code: codeAt(secret) }),
  );
  await assertNowhereOnDisk(deps, needles, 'after login');

  const off = await post(
    app,
    '/api/auth/mfa/disable',
    { password: PASSWORD, code: codeAt(secret, 1) },
    token,
  );
  assert.equal(off.statusCode, 204, off.body);
  await assertNowhereOnDisk(deps, needles, 'disabled');
});

test('TOTP secret in plaintext: a trace-level log holds neither the secret, nor a code, nor a recovery code', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const { app } = await makeApp(t, {}, { logger: { level: 'trace', stream } });
  const email = 'logged@example.test';
  const token = await newUser(app, email);
  const { secret, otpauthUri } = (await post(app, '/api/auth/mfa/setup', {}, token)).json() as {
    secret: string;
    otpauthUri: string;
  };
  await awayFromStepEdge();
  const bad = wrongCode(secret);
  assert.equal(
    (await post(app, '/api/auth/enable-mfa', { password: PASSWORD, code: bad }, token)).statusCode,
    400,
  );
  assert.equal(
    (await post(app, '/api/auth/enable-mfa', { password: PASSWORD, code: 'x1y2z3' }, token))
      .statusCode,
    400,
  );
  const enable = await post(
    app,
    '/api/auth/enable-mfa',
    { password: PASSWORD, code: codeAt(secret, -1) },
    token,
  );
  const { recoveryCodes } = enable.json() as { recoveryCodes: string[] };
  const mfaToken = await challenge(app, email);
  assertRefused(await verify(app, mfaToken, { code: bad }));
  assertTokens(await verify(app, mfaToken, { code: codeAt(secret) }));
  assertTokens(await verify(app, await challenge(app, email), { recoveryCode: recoveryCodes[0]! }));
  const off = await post(
    app,
    '/api/auth/mfa/disable',
    { password: PASSWORD, code: codeAt(secret, 1) },
    token,
  );
  assert.equal(off.statusCode, 204);

  const log = lines.join('');
  // Control: the log is there, at trace level, and saw these routes.
  assert.equal(app.log.level, 'trace');
  assert.match(log, /\/api\/auth\/enable-mfa/);
  assert.match(log, /\/api\/auth\/verify-mfa/);
  for (const needle of forms(secret)) assert.ok(!log.includes(needle.toString('latin1')));
  assert.ok(!log.includes(encodeURIComponent(secret)));
  assert.ok(!log.includes(otpauthUri));
  for (const code of recoveryCodes) {
    assert.ok(!log.includes(code) && !log.includes(code.replace(/-/g, '')), 'a recovery code');
  }
  for (const code of [bad, 'x1y2z3', codeAt(secret, -1), codeAt(secret), codeAt(secret, 1)]) {
    assert.doesNotMatch(log, new RegExp(`(?<![0-9])${code}(?![0-9])`), 'a TOTP code');
  }
  assert.ok(!log.includes(mfaToken), 'the challenge token');
  assert.ok(!log.includes(PASSWORD), 'the password');
});
