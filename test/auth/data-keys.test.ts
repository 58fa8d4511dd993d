/**
 * The in-memory cache of unwrapped data keys: it must never outlive its time
 * to live, its size, a logout or an account deletion, and a cached key must
 * open exactly what the stored wrapped key opens.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';

import { DataKeys } from '../../src/auth/accounts/data-keys.ts';
import { unwrapDataKey } from '../../src/crypto/data-key.ts';
import { PASSWORD, signIn } from '../journal/helpers.ts';
import { makeApp } from '../helpers.ts';

async function userId(user: Awaited<ReturnType<typeof signIn>>): Promise<string> {
  return (await user.call('GET', '/api/auth/profile')).json().id as string;
}

test('a cached data key is the key the stored wrapped key unwraps to', async (t) => {
  const { app, deps } = await makeApp(t);
  const alice = await signIn(app, 'alice@example.test');
  const id = await userId(alice);
  const keys = new DataKeys(deps.platform.db, deps.keyRing);
  const first = await keys.forUser(id);
  assert.ok(keys.holds(id));
  const row = await deps.platform.db
    .selectFrom('user_keys')
    .selectAll()
    .where('user_id', '=', id)
    .executeTakeFirstOrThrow();
  const stored = unwrapDataKey(deps.keyRing, id, { keyId: row.key_id, wrapped: row.wrapped_key });
  assert.ok(first.equals(stored));
  assert.equal(await keys.forUser(id), first, 'the second call is served from memory');
});

test('an unwrapped data key leaves memory when its time to live is over, even if nobody asks again', async (t) => {
  const { app, deps } = await makeApp(t);
  const alice = await signIn(app, 'alice@example.test');
  const id = await userId(alice);
  const keys = new DataKeys(deps.platform.db, deps.keyRing, 40);
  await keys.forUser(id);
  assert.ok(keys.holds(id));
  // The sweep runs every time to live; two of them are long enough.
  await sleep(120);
  assert.equal(keys.holds(id), false);
});

test('the data key cache holds at most its size, dropping the oldest key', async (t) => {
  const { app, deps } = await makeApp(t);
  const ids = [];
  for (const name of ['a', 'b', 'c'])
    ids.push(await userId(await signIn(app, `${name}@example.test`)));
  const keys = new DataKeys(deps.platform.db, deps.keyRing, 60_000, 2);
  for (const id of ids) await keys.forUser(id);
  assert.deepEqual(
    ids.map((id) => keys.holds(id)),
    [false, true, true],
  );
});

test('logging out drops the user’s unwrapped data key from memory', async (t) => {
  const { app } = await makeApp(t);
  const alice = await signIn(app, 'alice@example.test');
  const id = await userId(alice);
  assert.equal(
    (await alice.call('POST', '/api/entries', { date: '2026-12-01', content: 'x' })).statusCode,
    201,
  );
  assert.ok(app.services.dataKeys.holds(id), 'a journal request leaves the key cached');
  assert.equal((await alice.call('POST', '/api/auth/logout')).statusCode, 204);
  assert.equal(app.services.dataKeys.holds(id), false);
});

test('deleting the account drops its unwrapped data key from memory', async (t) => {
  const { app } = await makeApp(t);
  const alice = await signIn(app, 'alice@example.test');
  const id = await userId(alice);
  assert.equal(
    (await alice.call('POST', '/api/entries', { date: '2026-12-01', content: 'x' })).statusCode,
    201,
  );
  assert.ok(app.services.dataKeys.holds(id));
  const deleted = await alice.call('DELETE', '/api/account', { password: PASSWORD });
  assert.equal(deleted.statusCode, 204, deleted.body);
  assert.equal(app.services.dataKeys.holds(id), false);
});
