/**
 * Email addresses (DESIGN.md sections 4 and 5): trimmed, Unicode NFC and lower
 * case before the blind index, so spellings of one address are one account;
 * malformed or over-long addresses are refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { AppDeps } from '../../src/context.ts';
import { loginOk, openLab, PASSWORD, profile, signup } from './support.ts';

async function userCount(deps: AppDeps): Promise<number> {
  return (await deps.platform.db.selectFrom('users').select('id').execute()).length;
}

test('Alice@Example.test and " alice@example.test " are one account, reachable by either spelling', async (t) => {
  const { app, deps } = await openLab(t);
  assert.equal((await signup(app, 'Alice@Example.test')).statusCode, 202);
  const again = await signup(app, ' alice@example.test ', 'a different password here');
  assert.equal(again.statusCode, 202);
  assert.equal(await userCount(deps), 1, 'the second spelling created a second account');

  for (const spelling of ['Alice@Example.test', ' alice@example.test ', 'ALICE@EXAMPLE.TEST']) {
    const tokens = await loginOk(app, spelling);
    assert.equal((await profile(app, tokens.accessToken)).json().email, 'alice@example.test');
  }
  // The second signup changed nothing: its password does not open the account.
  const res = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'alice@example.test', password: 'a different password here' },
  });
  assert.equal(res.statusCode, 401);
});

test('an address written in NFC and in NFD is one account', async (t) => {
  const { app, deps } = await openLab(t);
  const nfc = 'jos\u00e9@example.test';
  const nfd = 'jose\u0301@example.test';
  assert.notEqual(nfc, nfd);
  assert.equal((await signup(app, nfd)).statusCode, 202);
  assert.equal((await signup(app, nfc)).statusCode, 202);
  assert.equal(await userCount(deps), 1);
  const tokens = await loginOk(app, nfc);
  await loginOk(app, nfd.toUpperCase());
  assert.equal((await profile(app, tokens.accessToken)).json().email, nfc);
});

test('malformed addresses are refused with a 400 and create nothing', async (t) => {
  const { app, deps } = await openLab(t);
  const malformed = [
    'no-at-sign.example.test',
    'two@@example.test',
    'a@b@example.test',
    '@example.test',
    'nobody@',
    'nobody@localhost',
    'no body@example.test',
    'tab\t@example.test',
    'nul\u0000@example.test',
    'rtl\u202e@example.test',
    'line\nbreak@example.test',
    'ab',
    '',
    `${'l'.repeat(65)}@example.test`,
  ];
  for (const email of malformed) {
    const res = await signup(app, email);
    assert.equal(res.statusCode, 400, JSON.stringify(email));
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  }
  for (const email of [42, null, { email: 'a@example.test' }]) {
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/signup',
      payload: { email, password: PASSWORD },
    });
    assert.equal(res.statusCode, 400, JSON.stringify(email));
  }
  assert.equal(await userCount(deps), 0);
});

test('a body field of the wrong JSON type is refused rather than coerced', async (t) => {
  const { app } = await openLab(t);
  const asArray = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email: ['array@example.test'], password: PASSWORD },
  });
  assert.equal(asArray.statusCode, 400);
  const asNumber = await app.inject({
    method: 'POST',
    url: '/api/auth/signup',
    payload: { email: 'number@example.test', password: 918273645546 },
  });
  assert.equal(asNumber.statusCode, 400);
});

test('an address of 255 characters or more is refused, and one of 254 accepted', async (t) => {
  const { app, deps } = await openLab(t);
  const address = (length: number) => {
    const local = 'l'.repeat(64);
    const domain = `${'d'.repeat(length - local.length - 1 - '.test'.length)}.test`;
    const email = `${local}@${domain}`;
    assert.equal(email.length, length);
    return email;
  };
  for (const length of [255, 256, 320, 321, 5000]) {
    const res = await signup(app, address(length));
    assert.equal(res.statusCode, 400, `length ${length}`);
  }
  assert.equal(await userCount(deps), 0);
  assert.equal((await signup(app, address(254))).statusCode, 202);
  assert.equal(await userCount(deps), 1);
  await loginOk(app, address(254));
});

test('the address is not stored in the clear: the users row holds a blind index and a sealed copy', async (t) => {
  const { app, deps } = await openLab(t);
  await signup(app, 'Visible@Example.test');
  const row = await deps.platform.db.selectFrom('users').selectAll().executeTakeFirstOrThrow();
  for (const [column, value] of Object.entries(row)) {
    const text = Buffer.isBuffer(value) ? value.toString('latin1') : String(value);
    assert.ok(!text.toLowerCase().includes('visible@example.test'), `${column} holds the address`);
  }
  assert.match(row.email_index, /^[0-9a-f]{64}$/);
});
