/**
 * Password storage and rules (DESIGN.md section 5): argon2id with the
 * configured parameters, rehash on login when they change, a hash gate that
 * turns a login storm away with 503 instead of starving other requests, and
 * the 12-256 length, common-password and context rules.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  changePassword,
  lab,
  login,
  loginOk,
  newUser,
  onlyUser,
  openLab,
  PASSWORD,
  profile,
  signup,
  together,
} from './support.ts';

/** Slow enough that a hash is still running while the next requests arrive. */
const SLOW_ARGON2 = { ARGON2_MEMORY_KIB: '65536', ARGON2_TIME_COST: '3' };

function argon2Params(hash: string): { m: number; t: number; p: number } {
  const match = /^\$argon2id\$v=19\$([a-z]=\d+(?:,[a-z]=\d+)*)\$/.exec(hash);
  assert.ok(match?.[1], `not an argon2id hash: ${hash.slice(0, 30)}`);
  const params = new Map(match[1].split(',').map((kv) => kv.split('=') as [string, string]));
  return { m: Number(params.get('m')), t: Number(params.get('t')), p: Number(params.get('p')) };
}

test('the stored password is an argon2id hash carrying the configured memory, time and parallelism', async (t) => {
  const { app, deps } = await openLab(t, {
    ARGON2_MEMORY_KIB: '2048',
    ARGON2_TIME_COST: '2',
    ARGON2_PARALLELISM: '2',
  });
  await newUser(app, 'hash@example.test');
  const user = await onlyUser(deps);
  assert.ok(user.password_hash.startsWith('$argon2id$'));
  assert.deepEqual(argon2Params(user.password_hash), { m: 2048, t: 2, p: 2 });
  assert.ok(!user.password_hash.includes(PASSWORD));
});

test('a login rehashes the password when the argon2 parameters changed, and only after the right password', async (t) => {
  const l = lab(t, { ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' });
  const before = await l.open();
  await newUser(before.app, 'rehash@example.test');
  const original = (await onlyUser(before.deps)).password_hash;
  assert.deepEqual(argon2Params(original), { m: 1024, t: 1, p: 1 });
  // With unchanged parameters a login leaves the hash alone.
  await loginOk(before.app, 'rehash@example.test');
  assert.equal((await onlyUser(before.deps)).password_hash, original);
  await before.close();

  const after = await l.open({ ARGON2_MEMORY_KIB: '2048', ARGON2_TIME_COST: '2' });
  const wrong = await login(after.app, 'rehash@example.test', 'not the password at all');
  assert.equal(wrong.statusCode, 401);
  assert.equal((await onlyUser(after.deps)).password_hash, original, 'a wrong password rehashed');

  await loginOk(after.app, 'rehash@example.test');
  const rehashed = (await onlyUser(after.deps)).password_hash;
  assert.notEqual(rehashed, original);
  assert.deepEqual(argon2Params(rehashed), { m: 2048, t: 2, p: 1 });
  // The new hash still verifies the same password.
  await loginOk(after.app, 'rehash@example.test');
});

test('a login storm past the hash capacity gets 503 with Retry-After while a signed-in read still succeeds', async (t) => {
  const { app } = await openLab(t, { ...SLOW_ARGON2, HASH_CONCURRENCY: '1', HASH_QUEUE: '1' });
  const { accessToken } = await newUser(app, 'storm@example.test');

  let loginsPending = 6;
  const storm = together(6, (i) =>
    login(app, 'storm@example.test', i % 2 === 0 ? PASSWORD : 'a wrong password guess').finally(
      () => (loginsPending -= 1),
    ),
  );
  // Issued while the gate is full: the read needs no hash and must not wait for one.
  const read = await profile(app, accessToken);
  const pendingWhenReadAnswered = loginsPending;
  const answers = await storm;

  assert.equal(read.statusCode, 200, read.body);
  assert.ok(pendingWhenReadAnswered > 0, 'the read only answered after the storm was over');

  const busy = answers.filter((r) => r.statusCode === 503);
  const served = answers.filter((r) => r.statusCode !== 503);
  assert.ok(busy.length >= 1, 'no login was turned away');
  // One hash running plus one waiting: nothing else was let through.
  assert.ok(served.length <= 2, `${served.length} logins got past a gate of 1 + 1`);
  for (const res of served) assert.ok([200, 401].includes(res.statusCode), res.body);
  for (const res of busy) {
    assert.match(String(res.headers['retry-after']), /^\d+$/);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assert.equal(res.json().status, 503);
  }
});

test('a password of 11 characters is refused and one of 12 accepted', async (t) => {
  const { app } = await openLab(t);
  const short = await signup(app, 'short@example.test', 'abcdefghijk');
  assert.equal(short.statusCode, 400);
  assert.match(short.json().detail, /at least 12/);
  assert.equal((await login(app, 'short@example.test', 'abcdefghijk')).statusCode, 401);

  assert.equal((await signup(app, 'twelve@example.test', 'abcdefghijkl')).statusCode, 202);
  await loginOk(app, 'twelve@example.test', 'abcdefghijkl');
});

test('a password of 256 characters is accepted, counting characters rather than UTF-16 units', async (t) => {
  const { app } = await openLab(t);
  const ascii = 'k7'.repeat(128);
  assert.equal((await signup(app, 'long@example.test', ascii)).statusCode, 202);
  await loginOk(app, 'long@example.test', ascii);
  const astral = '🔑'.repeat(256); // 256 characters, 512 UTF-16 units
  assert.equal((await signup(app, 'emoji@example.test', astral)).statusCode, 202);
  await loginOk(app, 'emoji@example.test', astral);
});

test('passwords of 257 characters or under 12 are refused before any hashing', async (t) => {
  // One hash slot and no queue: a request that reached the hasher while a
  // slow hash runs would get 503, so a 400 proves it never got that far.
  const { app } = await openLab(t, { ...SLOW_ARGON2, HASH_CONCURRENCY: '1', HASH_QUEUE: '0' });
  const [first, second, tooLong, tooLongAstral, tooShort] = await Promise.all([
    signup(app, 'first@example.test'),
    signup(app, 'second@example.test'),
    signup(app, 'long@example.test', 'k'.repeat(257)),
    signup(app, 'emoji@example.test', '🔑'.repeat(257)),
    signup(app, 'short@example.test', 'abcdefghijk'),
  ]);
  // Two valid signups at once: one hashed, the other was turned away, so the
  // gate was full while the invalid ones were handled.
  assert.deepEqual([first.statusCode, second.statusCode].sort(), [202, 503]);
  for (const res of [tooLong, tooLongAstral, tooShort]) {
    assert.equal(res.statusCode, 400, res.body);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  }
  // The same bound applies at login: an over-long password is not hashed there either.
  const longLogin = await login(app, 'someone@example.test', 'k'.repeat(257));
  assert.equal(longLogin.statusCode, 400);
});

test('a common password from the maintained list is refused, whatever its case', async (t) => {
  const { app, deps } = await openLab(t);
  for (const password of ['qwerty123456', 'QWERTY123456', '123456789012']) {
    const res = await signup(app, 'common@example.test', password);
    assert.equal(res.statusCode, 400, password);
    assert.match(res.json().detail, /too common/);
    assert.ok(!res.body.includes(password), 'the refusal repeats the password');
  }
  const users = await deps.platform.db.selectFrom('users').select('id').execute();
  assert.equal(users.length, 0, 'a refused signup created an account');
});

test('a password built from the email local part or the service name is refused', async (t) => {
  const { app } = await openLab(t);
  for (const password of [
    'marmaladecat',
    'marmaladecat2026',
    'MarmaladeCat!!123',
    'Day-Book 123456',
  ]) {
    const res = await signup(app, 'marmaladecat@x.test', password);
    assert.equal(res.statusCode, 400, password);
    assert.match(res.json().detail, /email address or the service name/);
  }
  assert.equal(
    (await signup(app, 'marmaladecat@x.test', 'marmalade on toast please')).statusCode,
    202,
  );
});

test('a new password follows the same rules as a first one', async (t) => {
  const { app } = await openLab(t);
  const { accessToken } = await newUser(app, 'marmaladecat@x.test');
  for (const newPassword of ['abcdefghijk', 'qwerty123456', 'marmaladecat99', 'k'.repeat(257)]) {
    const res = await changePassword(app, accessToken, PASSWORD, newPassword);
    assert.equal(res.statusCode, 400, newPassword);
  }
  // None of them took effect: the old password still works.
  await loginOk(app, 'marmaladecat@x.test');
  const fine = await changePassword(app, accessToken, PASSWORD, 'an entirely new phrase');
  assert.equal(fine.statusCode, 204, fine.body);
  assert.equal((await profile(app, accessToken)).statusCode, 200);
});
