/**
 * Review of the cache of unwrapped data keys (src/auth/accounts/data-keys.ts):
 * whose key a lookup returns, and whether a key leaves memory when the
 * account is deleted and when its time to live is over.
 *
 * The failing tests here show where the cache keeps a key it promised to
 * drop; the passing ones pin properties worth keeping.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';

import type { Kysely } from 'kysely';

import { AccountDeletion } from '../../src/auth/accounts/deletion.ts';
import { DataKeys } from '../../src/auth/accounts/data-keys.ts';
import { unwrapDataKey } from '../../src/crypto/data-key.ts';
import type { PlatformDatabase } from '../../src/db/types.ts';
import { lab } from '../auth/support.ts';
import { PASSWORD, signIn, type User } from '../journal/helpers.ts';
import { makeApp, type TestApp } from '../helpers.ts';

async function idOf(user: User): Promise<string> {
  const res = await user.call('GET', '/api/auth/profile');
  assert.equal(res.statusCode, 200, res.body);
  return res.json().id as string;
}

/** The key the stored wrapped key unwraps to, read straight from the table. */
async function storedKey(deps: TestApp['deps'], userId: string): Promise<Buffer> {
  const row = await deps.platform.db
    .selectFrom('user_keys')
    .select(['key_id', 'wrapped_key'])
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return unwrapDataKey(deps.keyRing, userId, { keyId: row.key_id, wrapped: row.wrapped_key });
}

/**
 * The platform database as seen over a slow link: every answer arrives `ms`
 * after the query ran (network latency, a busy event loop, a pool under load).
 */
function slowAnswers(db: Kysely<PlatformDatabase>, ms: number): Kysely<PlatformDatabase> {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'executeQuery') {
        return async (...args: Parameters<Kysely<PlatformDatabase>['executeQuery']>) => {
          const result = await target.executeQuery(...args);
          await sleep(ms);
          return result;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

test('a key lookup that read the key just before the account was shredded does not put it back in memory afterwards', async (t) => {
  const { app, deps } = await makeApp(t);
  const id = await idOf(await signIn(app, 'alice@example.test'));
  // Wired as src/services.ts wires them; only the answers of the key lookup are slow.
  const keys = new DataKeys(slowAnswers(deps.platform.db, 100), deps.keyRing);
  const deletion = new AccountDeletion(deps.platform, deps.vault.db, 500, (userId) =>
    keys.forget(userId),
  );

  // A request of Alice's, authenticated a moment before she deletes her account,
  // asks for her key: the row is read at once, the answer is on its way.
  const lookup = keys.forUser(id);
  await sleep(20);
  await deletion.shred(id);
  assert.equal(
    await deps.platform.db
      .selectFrom('user_keys')
      .select('user_id')
      .where('user_id', '=', id)
      .executeTakeFirst(),
    undefined,
    'the wrapped key is gone from the database',
  );
  await lookup;
  assert.equal(
    keys.holds(id),
    false,
    'the shredded account’s unwrapped key is back in memory, for up to a minute',
  );
});

test('a key kept by another instance after a deletion opens nothing: the deleted account’s requests fail their session check there first', async (t) => {
  const l = lab(t);
  const a = await l.open();
  const b = await l.open();
  const alice = await signIn(a.app, 'alice@example.test');
  const id = await idOf(alice);
  const onB = (method: 'GET' | 'POST', url: string, payload?: object) =>
    b.app.inject({ method, url, headers: alice.headers, ...(payload ? { payload } : {}) });
  assert.equal(
    (await onB('POST', '/api/entries', { date: '2026-12-01', content: 'x' })).statusCode,
    201,
  );
  assert.ok(b.app.services.dataKeys.holds(id));

  assert.equal(
    (await alice.call('DELETE', '/api/account', { password: PASSWORD })).statusCode,
    204,
  );
  await a.app.services.deletion.purge(id);
  for (const [method, url, payload] of [
    ['GET', '/api/entries'],
    ['GET', '/api/entries/2026-12-01'],
    ['POST', '/api/entries', { date: '2026-12-02', content: 'after deletion' }],
    ['GET', '/api/auth/profile'],
  ] as const) {
    assert.equal((await onB(method, url, payload)).statusCode, 401, `${method} ${url}`);
  }
  const rows = await b.deps.vault.db
    .selectFrom('entries')
    .select('id')
    .where('user_id', '=', id)
    .execute();
  assert.deepEqual(rows, [], 'nothing was written for the deleted account');
});

test('an unwrapped key leaves memory when its time to live is over, even if the wall clock was stepped back meanwhile', async (t) => {
  const { app, deps } = await makeApp(t);
  const alice = await idOf(await signIn(app, 'alice@example.test'));
  let clock = Date.now();
  t.mock.method(Date, 'now', () => clock);
  const keys = new DataKeys(deps.platform.db, deps.keyRing, 40);
  await keys.forUser(alice);
  clock -= 600_000; // NTP steps the wall clock back ten minutes
  await sleep(120); // three times the time to live, by the monotonic clock
  assert.equal(keys.holds(alice), false, 'Alice’s key outlived its time to live');
  // And a lookup reads the stored key again: here it finds it shredded.
  await deps.platform.db.deleteFrom('user_keys').where('user_id', '=', alice).execute();
  await assert.rejects(keys.forUser(alice), /Internal error|Data key unavailable/);
});

test('concurrent key lookups for many users each get their own key', async (t) => {
  const test = await makeApp(t);
  const users = [];
  for (let i = 0; i < 8; i++) users.push(await idOf(await signIn(test.app, `u${i}@example.test`)));
  const keys = test.app.services.dataKeys;
  for (const id of users) keys.forget(id);
  // Misses and hits interleaved, several lookups per user at once.
  const lookups = await Promise.all(
    [...users, ...users.toReversed(), ...users].map(async (id) => ({
      id,
      key: await keys.forUser(id),
    })),
  );
  for (const { id, key } of lookups) assert.ok(key.equals(await storedKey(test.deps, id)), id);
  assert.equal(new Set(lookups.map((l) => l.key.toString('hex'))).size, users.length);
});

test('an account made again after a deletion, with the same address, gets a new id and a new key, never the old one', async (t) => {
  const { app, deps } = await makeApp(t);
  const first = await signIn(app, 'alice@example.test');
  const oldId = await idOf(first);
  assert.equal(
    (await first.call('POST', '/api/entries', { date: '2026-12-01', content: 'x' })).statusCode,
    201,
  );
  const oldKey = await app.services.dataKeys.forUser(oldId);
  assert.equal(
    (await first.call('DELETE', '/api/account', { password: PASSWORD })).statusCode,
    204,
  );

  const again = await signIn(app, 'alice@example.test');
  const newId = await idOf(again);
  assert.notEqual(newId, oldId);
  const newKey = await app.services.dataKeys.forUser(newId);
  assert.ok(!newKey.equals(oldKey));
  assert.ok(newKey.equals(await storedKey(deps, newId)));
  // The new account sees none of the old one's entries.
  const list = await again.call('GET', '/api/entries');
  assert.deepEqual(list.json().items, []);
});
