/**
 * The security trail (DESIGN.md section 7): every security event of issue 3
 * lands in audit_events and its owner reads it at GET /api/account/activity,
 * newest first, page by page; nobody reads another user's trail.
 */
import assert from 'node:assert/strict';
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
  refresh,
  type Tokens,
} from './support.ts';

interface Event {
  type: string;
  at: string;
  ip: string | null;
  userAgent: string | null;
}

function activity(app: App, token: string, query = '') {
  return app.inject({
    method: 'GET',
    url: `/api/account/activity${query}`,
    headers: bearer(token),
  });
}

/** Drives one account through every kind of event issue 3 names. */
async function everyEvent(app: App): Promise<Tokens> {
  const ua = { 'user-agent': 'Audit Test/1.0' };
  const remoteAddress = '192.0.2.44';
  const extra = { headers: ua, remoteAddress };
  const first = await newUser(app, 'alice@example.test', PASSWORD, extra); // signup, login_success
  await login(app, 'alice@example.test', 'a wrong password guess', extra); // login_failure
  const second = await loginOk(app, 'alice@example.test', PASSWORD, extra);
  await app.inject({
    method: 'DELETE',
    url: `/api/auth/sessions/${String(jwtPart(second.accessToken, 1).sid)}`,
    headers: { ...bearer(first.accessToken), ...ua },
    remoteAddress,
  }); // session_revoked
  const third = await loginOk(app, 'alice@example.test', PASSWORD, extra);
  await refresh(app, third.refreshToken, extra);
  await refresh(app, third.refreshToken, extra); // refresh_token_reuse
  const fresh = 'a brand new passphrase';
  const changed = await changePassword(app, first.accessToken, PASSWORD, fresh); // password_change
  assert.equal(changed.statusCode, 204);
  for (let i = 0; i < 5; i += 1) await login(app, 'alice@example.test', 'wrong again!', extra); // lockout
  await app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(first.accessToken) });
  // Locked out and logged out: unlock to read the trail.
  return first;
}

test('every security event is recorded and shown to its owner newest first', async (t) => {
  const { app, deps } = await openLab(t);
  await everyEvent(app);
  await deps.platform.db.updateTable('users').set({ locked_until: null }).execute();
  const reader = await loginOk(app, 'alice@example.test', 'a brand new passphrase');

  const res = await activity(app, reader.accessToken, '?limit=100');
  assert.equal(res.statusCode, 200, res.body);
  const page = res.json() as { items: Event[]; nextCursor: string | null };
  assert.equal(page.nextCursor, null);
  const types = page.items.map((e) => e.type);
  for (const type of [
    'signup',
    'login_success',
    'login_failure',
    'lockout',
    'logout',
    'password_change',
    'session_revoked',
    'refresh_token_reuse',
  ]) {
    assert.ok(types.includes(type), `no ${type} event in ${types.join(', ')}`);
  }
  assert.equal(types[0], 'login_success', 'the newest event (the reader’s login) is not first');
  assert.equal(types.at(-1), 'signup', 'the oldest event (signup) is not last');
  for (let i = 1; i < page.items.length; i += 1) {
    assert.ok(page.items[i - 1]!.at >= page.items[i]!.at, 'not newest first');
  }
  const signup = page.items.find((e) => e.type === 'signup')!;
  assert.equal(signup.ip, '192.0.2.44');
  assert.equal(signup.userAgent, 'Audit Test/1.0');
  for (const e of page.items)
    assert.deepEqual(Object.keys(e).sort(), ['at', 'ip', 'type', 'userAgent']);
});

test('the activity list pages with a cursor, covering every event exactly once', async (t) => {
  const { app, deps } = await openLab(t);
  await everyEvent(app);
  await deps.platform.db.updateTable('users').set({ locked_until: null }).execute();
  const reader = await loginOk(app, 'alice@example.test', 'a brand new passphrase');
  const all = (await activity(app, reader.accessToken, '?limit=100')).json().items as Event[];
  assert.ok(all.length > 6);

  const paged: Event[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = `?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await activity(app, reader.accessToken, query);
    assert.equal(res.statusCode, 200, res.body);
    const page = res.json() as { items: Event[]; nextCursor: string | null };
    assert.ok(page.items.length <= 3);
    paged.push(...page.items);
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor !== null && pages < 50);
  assert.deepEqual(paged, all);
  assert.equal(pages, Math.ceil(all.length / 3));
});

test('nobody reads another user’s activity, and a forged cursor is refused', async (t) => {
  const { app } = await openLab(t);
  const alice = await newUser(app, 'alice@example.test');
  await login(app, 'alice@example.test', 'a wrong password guess');
  const bob = await newUser(app, 'bob@example.test');
  const bobs = (await activity(app, bob.accessToken)).json().items as Event[];
  assert.deepEqual(bobs.map((e) => e.type).sort(), ['login_success', 'signup']);

  for (const cursor of ['garbage', Buffer.from('["a"]').toString('base64url'), 'x'.repeat(600)]) {
    const res = await activity(app, alice.accessToken, `?cursor=${cursor}`);
    assert.equal(res.statusCode, 400, cursor);
  }
  for (const limit of ['0', '101', '-1', 'ten']) {
    assert.equal((await activity(app, alice.accessToken, `?limit=${limit}`)).statusCode, 400);
  }
  assert.equal((await app.inject({ method: 'GET', url: '/api/account/activity' })).statusCode, 401);
});
