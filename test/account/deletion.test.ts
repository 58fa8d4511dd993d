import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import SqliteDatabase from 'better-sqlite3';

import { unwrapDataKey } from '../../src/crypto/data-key.ts';
import { KeyRing } from '../../src/crypto/keyring.ts';
import { openJson, sealedAd } from '../../src/crypto/sealed.ts';
import { PASSWORD, signIn } from '../journal/helpers.ts';
import { makeApp } from '../helpers.ts';

const SECRET_TEXT = 'the letter I never sent to my brother';

/** Reads a SQLite file and its WAL as one byte string, for scanning. */
function fileBytes(file: string): Buffer {
  const parts = [readFileSync(file)];
  if (existsSync(`${file}-wal`)) parts.push(readFileSync(`${file}-wal`));
  return Buffer.concat(parts);
}

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
  const { app, deps, dir } = await makeApp(t);
  if (deps.platform.file === undefined || deps.vault.file === undefined) {
    t.skip('reads SQLite files');
    return;
  }
  const alice = await signIn(app, 'alice@example.test');
  const bob = await signIn(app, 'bob@example.test');
  const created = await alice.call('POST', '/api/entries', {
    date: '2026-12-01',
    content: SECRET_TEXT,
  });
  assert.equal(created.statusCode, 201, created.body);
  await bob.call('POST', '/api/entries', { date: '2026-12-01', content: 'bob stays' });
  const aliceId = (await alice.call('GET', '/api/auth/profile')).json().id as string;

  // What an attacker kept from before the deletion: the wrapped key's bytes.
  deps.platform.checkpoint();
  const before = new SqliteDatabase(deps.platform.file, { readonly: true });
  const wrapped = before
    .prepare('select key_id, wrapped_key from user_keys where user_id = ?')
    .get(aliceId) as {
    key_id: string;
    wrapped_key: Buffer;
  };
  before.close();
  deps.vault.checkpoint();
  copyFileSync(deps.vault.file, join(dir, 'vault-copy.db'));

  const deleted = await alice.call('DELETE', '/api/account', { password: PASSWORD });
  assert.equal(deleted.statusCode, 204, deleted.body);
  assert.equal((await alice.call('GET', '/api/auth/profile')).statusCode, 401);
  const relogin = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'alice@example.test', password: PASSWORD },
  });
  assert.equal(relogin.statusCode, 401);

  // The live platform database holds no copy of the wrapped key, not even in free pages or the WAL.
  const platformBytes = fileBytes(deps.platform.file);
  assert.equal(platformBytes.indexOf(wrapped.wrapped_key), -1, 'wrapped data key still on disk');

  // With the master key and everything live, the old ciphertext cannot be opened: no key is left.
  const ring = new KeyRing(deps.config.masterKeys);
  const live = new SqliteDatabase(deps.platform.file, { readonly: true });
  const keyRow = live.prepare('select * from user_keys where user_id = ?').get(aliceId);
  live.close();
  assert.equal(keyRow, undefined);
  // The copied vault still has Alice's ciphertext; it is unreadable without the destroyed key.
  const copy = new SqliteDatabase(join(dir, 'vault-copy.db'), { readonly: true });
  const row = copy.prepare('select id, payload from entries where user_id = ?').get(aliceId) as {
    id: string;
    payload: Buffer;
  };
  copy.close();
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
