/**
 * Regression tests for the audit fix "weak secret fallback" (DESIGN.md
 * section 5): JWT_SECRET is required, at least 256 bits, different from the
 * master key, with no default anywhere.
 *
 * The configuration rules themselves are proven in test/config/config.test.ts
 * ("a missing JWT_SECRET is refused", "a JWT_SECRET under 256 bits is
 * refused…", "a JWT_SECRET equal to the master key is refused…"); they are not
 * repeated here. These tests show the two ends the rules protect: the server
 * process will not start on a missing or weak secret, and a running app
 * accepts no token signed with a guessable one.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';

import { createSigner } from 'fast-jwt';

import { AUDIENCE, ISSUER } from '../../src/auth/tokens/access-token.ts';
import { tempDir, testEnv } from '../helpers.ts';
import { cleanEnv, freePort, run, SERVER, TSX } from '../process.ts';
import { jwtPart, newUser, openLab, profile } from '../auth/support.ts';

test('weak secret fallback: the server process will not start without JWT_SECRET or with a weak one', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const base = testEnv(dir);
  // Two cases at process level (the rest are config-level tests), run side by side.
  const cases: Array<[string, Record<string, string>]> = [
    ['missing', { JWT_SECRET: '' }],
    ['short', { JWT_SECRET: 'Tr0ub4dor3' }],
  ];
  await Promise.all(
    cases.map(async ([what, change]) => {
      const port = await freePort();
      const env = cleanEnv({ ...base, ...change, HOST: '127.0.0.1', PORT: String(port) });
      if (change.JWT_SECRET === '') delete env.JWT_SECRET;
      const done = await run(['--import', TSX, SERVER], { cwd: dir, env, timeoutMs: 60_000 });
      assert.equal(done.code, 1, `${what}: exit ${done.code}\n${done.stdout}${done.stderr}`);
      assert.match(done.stderr, /JWT_SECRET/, what);
      if (change.JWT_SECRET) assert.ok(!done.stderr.includes(change.JWT_SECRET), `${what} echoed`);
      // Nothing listens.
      await assert.rejects(fetch(`http://127.0.0.1:${port}/api/health`));
    }),
  );
});

test('weak secret fallback: a token signed with a guessable secret is refused by a running app', async (t) => {
  const { app, config } = await openLab(t);
  const tokens = await newUser(app, 'alice@example.test');
  const { sub, sid } = jwtPart(tokens.accessToken, 1);
  const signWith = (key: string | Buffer) =>
    createSigner({ key, algorithm: 'HS256', iss: ISSUER, aud: AUDIENCE, expiresIn: 900_000 })({
      sub,
      sid,
      typ: 'access',
    });
  // Control: signed with the configured secret it works.
  assert.equal((await profile(app, signWith(config.jwtSecret))).statusCode, 200);
  const guesses: Array<string | Buffer> = [
    'secret',
    'changeme',
    'daybook',
    'jwt-secret',
    'your-256-bit-secret',
    Buffer.alloc(32),
    config.jwtSecret.toString('hex'), // the hex text instead of the bytes it encodes
    config.masterKeys[0]!,
  ];
  for (const key of guesses) {
    const res = await profile(app, signWith(key));
    assert.equal(res.statusCode, 401, `accepted a token signed with ${String(key).slice(0, 12)}`);
  }
});
