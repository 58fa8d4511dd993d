/**
 * Sessions (issue 3): a user lists their sessions (created, last used, IP,
 * user agent, which one is current) and ends any of their own, never anyone
 * else's; a password change ends every session but the current one.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';

import type { App } from '../../src/http/types.ts';
import {
  bearer,
  changePassword,
  jwtPart,
  login,
  loginOk,
  newUser,
  openLab,
  PASSWORD,
  profile,
  refresh,
} from './support.ts';

interface SessionItem {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

async function listSessions(app: App, token: string): Promise<SessionItem[]> {
  const res = await app.inject({
    method: 'GET',
    url: '/api/auth/sessions',
    headers: bearer(token),
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().items as SessionItem[];
}

function revoke(app: App, token: string, id: string) {
  return app.inject({ method: 'DELETE', url: `/api/auth/sessions/${id}`, headers: bearer(token) });
}

test('the session list shows each sign-in with its IP, user agent and which one is current', async (t) => {
  const { app } = await openLab(t);
  const laptop = await newUser(app, 'alice@example.test', PASSWORD, {
    remoteAddress: '192.0.2.10',
    headers: { 'user-agent': 'Laptop Browser/1.0' },
  });
  const phone = await loginOk(app, 'alice@example.test', PASSWORD, {
    remoteAddress: '198.51.100.20',
    headers: { 'user-agent': 'Phone App/2.0' },
  });
  const items = await listSessions(app, laptop.accessToken);
  assert.equal(items.length, 2);
  const mine = items.find((s) => s.current);
  const other = items.find((s) => !s.current);
  assert.ok(mine && other);
  assert.equal(items.filter((s) => s.current).length, 1);
  assert.equal(mine.id, jwtPart(laptop.accessToken, 1).sid);
  assert.equal(mine.ip, '192.0.2.10');
  assert.equal(mine.userAgent, 'Laptop Browser/1.0');
  assert.equal(other.id, jwtPart(phone.accessToken, 1).sid);
  assert.equal(other.ip, '198.51.100.20');
  assert.equal(other.userAgent, 'Phone App/2.0');
  for (const s of items) {
    assert.ok(!Number.isNaN(Date.parse(s.createdAt)) && !Number.isNaN(Date.parse(s.lastUsedAt)));
  }
  // From the phone, the phone is current.
  const fromPhone = await listSessions(app, phone.accessToken);
  assert.equal(fromPhone.find((s) => s.current)?.id, other.id);
});

test('ending another of your own sessions works, and its tokens stop at once', async (t) => {
  const { app } = await openLab(t);
  const laptop = await newUser(app, 'alice@example.test');
  const phone = await loginOk(app, 'alice@example.test');
  const phoneId = String(jwtPart(phone.accessToken, 1).sid);

  const res = await revoke(app, laptop.accessToken, phoneId);
  assert.equal(res.statusCode, 204);
  assert.equal((await profile(app, phone.accessToken)).statusCode, 401);
  assert.equal((await refresh(app, phone.refreshToken)).statusCode, 401);
  assert.equal((await profile(app, laptop.accessToken)).statusCode, 200);
  assert.deepEqual(
    (await listSessions(app, laptop.accessToken)).map((s) => s.id),
    [jwtPart(laptop.accessToken, 1).sid],
  );
  // Ending it again: it is no longer there.
  assert.equal((await revoke(app, laptop.accessToken, phoneId)).statusCode, 404);
});

test("another user's session id gets 404 and changes nothing", async (t) => {
  const { app, deps } = await openLab(t);
  const alice = await newUser(app, 'alice@example.test');
  const bob = await newUser(app, 'bob@example.test');
  const bobSession = String(jwtPart(bob.accessToken, 1).sid);
  const before = await deps.platform.db.selectFrom('sessions').selectAll().execute();

  const res = await revoke(app, alice.accessToken, bobSession);
  assert.equal(res.statusCode, 404);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  // The same answer as for a session that does not exist at all.
  const unknown = await revoke(app, alice.accessToken, randomUUID());
  assert.deepEqual(unknown.json(), res.json());

  assert.deepEqual(await deps.platform.db.selectFrom('sessions').selectAll().execute(), before);
  assert.equal((await profile(app, bob.accessToken)).statusCode, 200);
  assert.equal((await refresh(app, bob.refreshToken)).statusCode, 200);
  assert.equal((await listSessions(app, alice.accessToken)).length, 1);
});

test('a session id that is not a UUID is refused with 400', async (t) => {
  const { app } = await openLab(t);
  const alice = await newUser(app, 'alice@example.test');
  for (const id of ['not-a-uuid', '1', "' or 1=1 --", '%00']) {
    const res = await revoke(app, alice.accessToken, encodeURIComponent(id));
    assert.equal(res.statusCode, 400, id);
  }
});

test('the session routes need a signed-in user', async (t) => {
  const { app } = await openLab(t);
  const list = await app.inject({ method: 'GET', url: '/api/auth/sessions' });
  assert.equal(list.statusCode, 401);
  const del = await app.inject({ method: 'DELETE', url: `/api/auth/sessions/${randomUUID()}` });
  assert.equal(del.statusCode, 401);
});

test('a password change ends every other session but keeps the current one', async (t) => {
  const { app } = await openLab(t);
  const here = await newUser(app, 'alice@example.test');
  const phone = await loginOk(app, 'alice@example.test');
  const tablet = await loginOk(app, 'alice@example.test');

  const res = await changePassword(app, here.accessToken, PASSWORD, 'a fresh new passphrase');
  assert.equal(res.statusCode, 204, res.body);

  for (const other of [phone, tablet]) {
    assert.equal((await profile(app, other.accessToken)).statusCode, 401);
    assert.equal((await refresh(app, other.refreshToken)).statusCode, 401);
  }
  assert.equal((await profile(app, here.accessToken)).statusCode, 200);
  const items = await listSessions(app, here.accessToken);
  assert.deepEqual(
    items.map((s) => s.id),
    [jwtPart(here.accessToken, 1).sid],
  );
  assert.equal((await refresh(app, here.refreshToken)).statusCode, 200);

  assert.equal((await login(app, 'alice@example.test', PASSWORD)).statusCode, 401);
  await loginOk(app, 'alice@example.test', 'a fresh new passphrase');
});

test('a password change with the wrong current password changes nothing and ends no session', async (t) => {
  const { app } = await openLab(t);
  const here = await newUser(app, 'alice@example.test');
  const phone = await loginOk(app, 'alice@example.test');
  const res = await changePassword(
    app,
    here.accessToken,
    'not my password at all',
    'new phrase here',
  );
  assert.equal(res.statusCode, 401);
  assert.equal((await profile(app, phone.accessToken)).statusCode, 200);
  await loginOk(app, 'alice@example.test');
});
