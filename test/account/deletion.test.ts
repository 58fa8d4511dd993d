import assert from 'node:assert/strict';
import { test } from 'node:test';

import { unwrapDataKey } from '../../src/crypto/data-key.ts';
import { KeyRing } from '../../src/crypto/keyring.ts';
import { openJson, sealedAd } from '../../src/crypto/sealed.ts';
import { bytesAtRest } from '../at-rest.ts';
import { PASSWORD, signIn } from '../journal/helpers.ts';
import { makeApp } from '../helpers.ts';

const SECRET_TEXT = 'the letter I never sent to my brother';

test('deleting the account needs the password and changes nothing when it is wrong', async (t) => {
  const { app } = await makeApp(t);
  const alice = await signIn(app, 'alice@example.test');
  const wrong = await alice.call('DELETE', '/api/account', { password: 'not my password at all' });
  assert.equal(wrong.statusCode, 401);
  const missing = await alice.call('DELETE', '/api/account', {});
  assert.equal(missing.statusCode, 400);
  assert.equal((await alice.call('GET', '/api/auth/profile')).statusCode, 200);
});

test('a deleted account is crypto-shredded: with the master key and the live databases nothing it wrote opens', async (t) => {
  const { app, deps } = await makeApp(t);
  const alice = await signIn(app, 'alice@example.test');
  const bob = await signIn(app, 'bob@example.test');
  const created = await alice.call('POST', '/api/entries', {
    date: '2026-12-01',
    content: SECRET_TEXT,
  });
  assert.equal(created.statusCode, 201, created.body);
  await bob.call('POST', '/api/entries', { date: '2026-12-01', content: 'bob stays' });
  const aliceId = (await alice.call('GET', '/api/auth/profile')).json().id as string;

  // What an attacker kept from before the deletion: the wrapped key's bytes, and a
  // copy (a backup) of Alice's ciphertext in the vault.
  const wrapped = await deps.platform.db
    .selectFrom('user_keys')
    .select(['key_id', 'wrapped_key'])
    .where('user_id', '=', aliceId)
    .executeTakeFirstOrThrow();
  const row = await deps.vault.db
    .selectFrom('entries')
    .select(['id', 'payload'])
    .where('user_id', '=', aliceId)
    .executeTakeFirst();

  const deleted = await alice.call('DELETE', '/api/account', { password: PASSWORD });
  assert.equal(deleted.statusCode, 204, deleted.body);
  assert.equal((await alice.call('GET', '/api/auth/profile')).statusCode, 401);
  const relogin = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'alice@example.test', password: PASSWORD },
  });
  assert.equal(relogin.statusCode, 401);

  // The live platform database holds no copy of the wrapped key: on SQLite not even in
  // free pages or the WAL; on PostgreSQL in no column of any table.
  const platformBytes = await bytesAtRest(deps.platform);
  assert.equal(platformBytes.indexOf(wrapped.wrapped_key), -1, 'wrapped data key still stored');

  // With the master key and everything live, the old ciphertext cannot be opened: no key is left.
  const ring = new KeyRing(deps.config.masterKeys);
  const keyRow = await deps.platform.db
    .selectFrom('user_keys')
    .selectAll()
    .where('user_id', '=', aliceId)
    .executeTakeFirst();
  assert.equal(keyRow, undefined);
  // The copy still has Alice's ciphertext; it is unreadable without the destroyed key.
  assert.ok(row, 'the copy kept the ciphertext');
  assert.ok(!row.payload.toString('latin1').includes(SECRET_TEXT));
  // Control: the key from before the deletion did open it, so the test can tell the difference.
  const dataKey = unwrapDataKey(ring, aliceId, {
    keyId: wrapped.key_id,
    wrapped: wrapped.wrapped_key,
  });
  const opened = openJson(
    dataKey,
    row.payload,
    sealedAd('entries', 'payload', row.id, aliceId),
  ) as { content: string };
  assert.equal(opened.content, SECRET_TEXT);

  // Bob is untouched.
  assert.equal((await bob.call('GET', '/api/entries/2026-12-01')).json().content, 'bob stays');
});
