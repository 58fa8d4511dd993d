/**
 * Two instances on the same databases (two apps, each with its own pool, as
 * two server processes would have) receiving requests at the same moment:
 * refresh-token rotation and the lockout count stay exact.
 *
 * These mean most on PostgreSQL (TEST_POSTGRES_URL), where each app's queries
 * run on several connections and really interleave; on SQLite they run too,
 * and must pass just the same.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  auditTypes,
  bearer,
  isGenericLoginFailure,
  lab,
  login,
  newUser,
  onlyUser,
  PASSWORD,
  profile,
  refresh,
  type Tokens,
} from '../auth/support.ts';

const ROUNDS = 5;
/** Requests per round sent to each instance with the same refresh token. */
const PER_INSTANCE = 3;

test('two instances receiving the same refresh token at once issue at most one new token, and the session ends as reused', async (t) => {
  const l = lab(t);
  const a = await l.open();
  const b = await l.open();
  await newUser(a.app, 'racer@example.test');

  for (let round = 0; round < ROUNDS; round += 1) {
    const first = (await login(b.app, 'racer@example.test')).json() as Tokens;
    const apps = [a.app, b.app];
    const answers = await Promise.all(
      Array.from({ length: PER_INSTANCE * 2 }, (_, i) => refresh(apps[i % 2]!, first.refreshToken)),
    );
    const statuses = answers.map((r) => r.statusCode).sort();
    assert.deepEqual(
      statuses,
      [200, ...Array<number>(PER_INSTANCE * 2 - 1).fill(401)],
      `round ${round}: exactly one refresh wins`,
    );

    // The losers presented a token that was rotated out: that is reuse, and the
    // whole session ends, the winner's new tokens included. No new token works.
    const won = answers.find((r) => r.statusCode === 200)!.json() as Tokens;
    for (const app of apps) {
      assert.equal((await refresh(app, won.refreshToken)).statusCode, 401, `round ${round}`);
      assert.equal((await profile(app, won.accessToken)).statusCode, 401, `round ${round}`);
      assert.equal((await profile(app, first.accessToken)).statusCode, 401, `round ${round}`);
    }
  }

  const user = await onlyUser(a.deps);
  const types = await auditTypes(a.deps, user.id);
  assert.ok(types.filter((x) => x === 'refresh_token_reuse').length >= ROUNDS);
  const live = await a.deps.platform.db
    .selectFrom('sessions')
    .select('id')
    .where('user_id', '=', user.id)
    .where('revoked_at', 'is', null)
    .execute();
  assert.equal(live.length, 1, 'only the account-making login is still live');
});

test('a refresh that wins on one instance is refused on the other: a token is used once, across instances', async (t) => {
  const l = lab(t);
  const a = await l.open();
  const b = await l.open();
  const tokens = await newUser(a.app, 'relay@example.test');

  // One after the other, alternating instances: each rotation works once.
  let current = tokens;
  for (let i = 0; i < 6; i += 1) {
    const app = i % 2 === 0 ? b.app : a.app;
    const res = await refresh(app, current.refreshToken);
    assert.equal(res.statusCode, 200, res.body);
    current = res.json() as Tokens;
    const other = i % 2 === 0 ? a.app : b.app;
    const me = await other.inject({
      method: 'GET',
      url: '/api/auth/profile',
      headers: bearer(current.accessToken),
    });
    assert.equal(me.statusCode, 200);
  }
  // The previous token, presented again on either instance, is reuse.
  assert.equal((await refresh(a.app, tokens.refreshToken)).statusCode, 401);
  assert.equal((await profile(b.app, current.accessToken)).statusCode, 401);
});

test('concurrent failed logins on two instances are each counted, and exactly one of them locks', async (t) => {
  const threshold = 10;
  const l = lab(t, {
    LOCKOUT_THRESHOLD: String(threshold),
    // Every guess is checked: no 503 from a full hash queue.
    HASH_QUEUE: '100',
  });
  const a = await l.open();
  const b = await l.open();
  await newUser(a.app, 'target@example.test');
  const apps = [a.app, b.app];
  const guess = (i: number) => login(apps[i % 2]!, 'target@example.test', `wrong guess ${i}`);

  // Seven at once, below the threshold: the count is exactly seven.
  const firstWave = await Promise.all(Array.from({ length: 7 }, (_, i) => guess(i)));
  assert.ok(firstWave.every(isGenericLoginFailure));
  let user = await onlyUser(a.deps);
  assert.equal(user.failed_attempts, 7);
  assert.equal(user.locked_until, null);

  // Eight more at once: three reach the threshold, one of them locks, five meet the lock.
  const secondWave = await Promise.all(Array.from({ length: 8 }, (_, i) => guess(7 + i)));
  assert.ok(secondWave.every(isGenericLoginFailure));
  user = await onlyUser(a.deps);
  assert.ok(user.locked_until !== null, 'locked');
  assert.equal(user.failed_attempts, 0, 'the count restarts at the lock');
  const types = await auditTypes(a.deps, user.id);
  assert.equal(types.filter((x) => x === 'login_failure').length, threshold);
  assert.equal(types.filter((x) => x === 'lockout').length, 1);

  // The right password now fails on both instances, like any other failure.
  for (const app of apps) {
    assert.ok(isGenericLoginFailure(await login(app, 'target@example.test', PASSWORD)));
  }
});
