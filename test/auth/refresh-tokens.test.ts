/**
 * Refresh tokens (DESIGN.md section 5): opaque, 256 random bits, stored only
 * as a SHA-256 hash, rotated on every use; presenting a rotated-out token
 * revokes the whole session and records `refresh_token_reuse`.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';

import { createServices } from '../../src/services.ts';
import {
  auditTypes,
  bearer,
  jwtPart,
  loginOk,
  newUser,
  onlyUser,
  openLab,
  profile,
  refresh,
  together,
  type Tokens,
} from './support.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

test('a refresh token is 256 random bits in 43 base64url characters, and only its SHA-256 is stored', async (t) => {
  const { app, deps } = await openLab(t);
  const tokens = await newUser(app, 'alice@example.test');
  const second = await loginOk(app, 'alice@example.test');
  for (const token of [tokens.refreshToken, second.refreshToken]) {
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(Buffer.from(token, 'base64url').length, 32);
  }
  assert.notEqual(tokens.refreshToken, second.refreshToken);

  const rows = await deps.platform.db.selectFrom('refresh_tokens').selectAll().execute();
  assert.deepEqual(
    rows.map((r) => r.token_hash).sort(),
    [sha256(tokens.refreshToken), sha256(second.refreshToken)].sort(),
  );
  for (const row of rows) {
    const stored = JSON.stringify(row);
    assert.ok(!stored.includes(tokens.refreshToken) && !stored.includes(second.refreshToken));
  }
});

test('refreshing rotates: a new pair comes back, the new refresh token works and the old one is dead', async (t) => {
  const { app } = await openLab(t);
  const first = await newUser(app, 'alice@example.test');
  const res = await refresh(app, first.refreshToken);
  assert.equal(res.statusCode, 200, res.body);
  const second = res.json() as Tokens;
  assert.notEqual(second.refreshToken, first.refreshToken);
  assert.equal(jwtPart(second.accessToken, 1).sid, jwtPart(first.accessToken, 1).sid);
  assert.equal(second.tokenType, 'Bearer');
  assert.equal(second.expiresIn, 900);
  assert.equal((await profile(app, second.accessToken)).statusCode, 200);

  const third = await refresh(app, second.refreshToken);
  assert.equal(third.statusCode, 200);
  assert.equal((await profile(app, (third.json() as Tokens).accessToken)).statusCode, 200);
});

test('reusing a rotated-out refresh token revokes the session: the newest tokens stop working and refresh_token_reuse is recorded', async (t) => {
  const { app, deps } = await openLab(t);
  const stolen = await newUser(app, 'alice@example.test');
  const other = await loginOk(app, 'alice@example.test'); // a second, unrelated session
  const legit = (await refresh(app, stolen.refreshToken)).json() as Tokens;
  assert.equal((await profile(app, legit.accessToken)).statusCode, 200);

  const replay = await refresh(app, stolen.refreshToken);
  assert.equal(replay.statusCode, 401);
  assert.ok(!('accessToken' in replay.json()));

  assert.equal((await profile(app, legit.accessToken)).statusCode, 401);
  assert.equal((await refresh(app, legit.refreshToken)).statusCode, 401);
  // Only that session ended.
  assert.equal((await profile(app, other.accessToken)).statusCode, 200);
  const user = await onlyUser(deps);
  assert.deepEqual(
    (await auditTypes(deps, user.id)).filter((x) => x === 'refresh_token_reuse'),
    ['refresh_token_reuse'],
  );
});

test('ten refreshes sent at once with one token mint at most one working token', async (t) => {
  const { app } = await openLab(t);
  const tokens = await newUser(app, 'alice@example.test');
  const answers = await together(10, () => refresh(app, tokens.refreshToken));
  const minted = answers.filter((r) => r.statusCode === 200).map((r) => r.json() as Tokens);
  for (const r of answers) assert.ok([200, 401].includes(r.statusCode), r.body);
  assert.ok(minted.length <= 1, `${minted.length} refreshes succeeded`);

  let workingAccess = 0;
  for (const m of minted) {
    if ((await profile(app, m.accessToken)).statusCode === 200) workingAccess += 1;
  }
  assert.ok(workingAccess <= 1);
  let workingRefresh = 0;
  for (const m of minted) {
    if ((await refresh(app, m.refreshToken)).statusCode === 200) workingRefresh += 1;
  }
  assert.ok(workingRefresh <= 1);
  // The original token is spent either way.
  assert.equal((await refresh(app, tokens.refreshToken)).statusCode, 401);
});

test('refreshes racing past the lookup (all read the token before any rotates) still mint exactly one token', async (t) => {
  // Over inject the requests reach the database one after another; calling
  // the service directly lets all ten lookups run before the first rotation,
  // so only the conditional UPDATE stands between them and ten new tokens.
  const { app, deps } = await openLab(t);
  const tokens = await newUser(app, 'alice@example.test');
  const { sessions } = createServices(deps);
  const context = { ip: '192.0.2.1', userAgent: 'race' };
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, () => sessions.refresh(tokens.refreshToken, context)),
  );
  const minted = results.filter((r) => r.status === 'fulfilled');
  assert.equal(minted.length, 1, `${minted.length} refreshes succeeded`);
  const rows = await deps.platform.db.selectFrom('refresh_tokens').select('token_hash').execute();
  assert.equal(rows.length, 2, 'more than one successor token was stored');
});

test('refresh refuses unknown, malformed and access tokens, and tokens of an ended session', async (t) => {
  const { app } = await openLab(t);
  const tokens = await newUser(app, 'alice@example.test');
  for (const refreshToken of [
    'A'.repeat(43),
    tokens.refreshToken.slice(0, -1),
    `${tokens.refreshToken}A`,
    tokens.refreshToken.toUpperCase(),
  ]) {
    assert.equal((await refresh(app, refreshToken)).statusCode, 401, refreshToken);
  }
  const asAccess = await refresh(app, tokens.accessToken);
  assert.ok([400, 401].includes(asAccess.statusCode));
  for (const payload of [{ refreshToken: '' }, { refreshToken: 'x'.repeat(257) }]) {
    const res = await app.inject({ method: 'POST', url: '/api/auth/refresh', payload });
    assert.equal(res.statusCode, 400);
  }
  const empty = await app.inject({ method: 'POST', url: '/api/auth/refresh', payload: {} });
  assert.ok([400, 401].includes(empty.statusCode));

  await app.inject({
    method: 'POST',
    url: '/api/auth/logout',
    headers: bearer(tokens.accessToken),
  });
  assert.equal((await refresh(app, tokens.refreshToken)).statusCode, 401);
});
