/**
 * Regression tests for the audit fix "token expiry" (DESIGN.md section 5):
 * access tokens live 15 minutes and no longer, cached verification included;
 * refresh tokens and sessions end at their expiry; the lifetime cannot be
 * configured past 15 minutes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createSigner } from 'fast-jwt';

import { AUDIENCE, ISSUER } from '../../src/auth/tokens/access-token.ts';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { testEnv } from '../helpers.ts';
import { jwtPart, newUser, openLab, profile, refresh } from '../auth/support.ts';

const MINUTE = 60_000;

test('token expiry: an access token signed with the real secret but issued 16 minutes ago is refused', async (t) => {
  const { app, config } = await openLab(t);
  const tokens = await newUser(app, 'alice@example.test');
  const { sub, sid } = jwtPart(tokens.accessToken, 1);
  const issuedAt = (minutesAgo: number) =>
    createSigner({
      key: config.jwtSecret,
      algorithm: 'HS256',
      iss: ISSUER,
      aud: AUDIENCE,
      expiresIn: 15 * MINUTE,
      clockTimestamp: Date.now() - minutesAgo * MINUTE,
    })({ sub, sid, typ: 'access' });

  // Control: the same token issued 14 minutes ago is still good.
  assert.equal((await profile(app, issuedAt(14))).statusCode, 200);
  const expired = await profile(app, issuedAt(16));
  assert.equal(expired.statusCode, 401);
  assert.match(String(expired.headers['content-type']), /^application\/problem\+json/);
  // The session is alive; only the token expired.
  assert.equal((await profile(app, tokens.accessToken)).statusCode, 200);
});

test('token expiry: a token accepted (and cached) while fresh is refused once its 15 minutes are over', async (t) => {
  const { app } = await openLab(t);
  const tokens = await newUser(app, 'alice@example.test');
  assert.equal((await profile(app, tokens.accessToken)).statusCode, 200);
  assert.equal((await profile(app, tokens.accessToken)).statusCode, 200);
  const now = Date.now();
  t.mock.method(Date, 'now', () => now + 15 * MINUTE + 5_000);
  assert.equal((await profile(app, tokens.accessToken)).statusCode, 401);
});

test('token expiry: a refresh token past its expiry is refused and mints nothing', async (t) => {
  const { app, deps } = await openLab(t);
  const tokens = await newUser(app, 'alice@example.test');
  const row = await deps.platform.db
    .selectFrom('refresh_tokens')
    .select('expires_at')
    .executeTakeFirstOrThrow();
  const days = (Date.parse(row.expires_at) - Date.now()) / 86_400_000;
  assert.ok(days > 6.99 && days <= 7, `refresh token valid for ${days} days`);

  await deps.platform.db
    .updateTable('refresh_tokens')
    .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
    .execute();
  const res = await refresh(app, tokens.refreshToken);
  assert.equal(res.statusCode, 401);
  assert.ok(!('accessToken' in res.json()));
  const rows = await deps.platform.db.selectFrom('refresh_tokens').select('token_hash').execute();
  assert.equal(rows.length, 1, 'an expired refresh token minted a successor');
});

test('token expiry: when the session itself has expired its access token is refused', async (t) => {
  const { app, deps } = await openLab(t);
  const tokens = await newUser(app, 'alice@example.test');
  await deps.platform.db
    .updateTable('sessions')
    .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
    .execute();
  assert.equal((await profile(app, tokens.accessToken)).statusCode, 401);
});

test('token expiry: ACCESS_TOKEN_TTL_SECONDS cannot be set past 15 minutes', () => {
  const env = testEnv('/nonexistent');
  assert.equal(loadConfig(env).accessTokenTtlSeconds, 900);
  assert.throws(
    () => loadConfig({ ...env, ACCESS_TOKEN_TTL_SECONDS: '901' }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.problems.some((p) => p.startsWith('ACCESS_TOKEN_TTL_SECONDS')),
  );
  assert.throws(() => loadConfig({ ...env, REFRESH_TOKEN_TTL_SECONDS: String(8 * 86_400) }));
});
