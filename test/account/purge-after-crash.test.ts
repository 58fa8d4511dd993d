import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';

import { connect } from '../../src/db/connect.ts';
import type { PlatformDatabase, VaultDatabase } from '../../src/db/types.ts';
import { tempDir, testDatabases, testEnv } from '../helpers.ts';
import { startServer } from '../process-helpers.ts';

const PASSWORD = 'violet sunrise 4821';

async function call(url: string, method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

test('a purge killed half-way leaves no key behind and the next start finishes it', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = testEnv(dir, { ...(await testDatabases(t, dir)), PURGE_BATCH_SIZE: '1' });
  const server = await startServer(env);
  t.after(() => server.stop('SIGKILL'));

  await call(server.url, 'POST', '/api/auth/signup', {
    email: 'gone@example.test',
    password: PASSWORD,
  });
  const login = await call(server.url, 'POST', '/api/auth/login', {
    email: 'gone@example.test',
    password: PASSWORD,
  });
  const token = login.json.accessToken as string;
  const userId = (await call(server.url, 'GET', '/api/auth/profile', undefined, token)).json
    .id as string;

  // Many rows, so that a purge one row per batch is still running when killed. The
  // test's own connections, beside the server's, on SQLite files or PostgreSQL alike.
  const vault = connect<VaultDatabase>(env.VAULT_DATABASE_URL!);
  const platform = connect<PlatformDatabase>(env.PLATFORM_DATABASE_URL!);
  t.after(async () => {
    await vault.db.destroy();
    await platform.db.destroy();
  });
  const row = () => ({
    id: randomUUID(),
    user_id: userId,
    payload: randomBytes(64),
    created_at: 'x',
    updated_at: 'x',
    mood_id: 'm',
    logged_at: 'x',
  });
  // PostgreSQL deletes a row per round trip, far slower than SQLite: fewer rows still take
  // long enough to be interrupted, and the next start can finish them in time.
  const thousands = vault.dialect === 'postgres' ? 4 : 20;
  await vault.db.transaction().execute(async (trx) => {
    for (let i = 0; i < thousands; i += 1) {
      await trx
        .insertInto('mood_logs')
        .values(Array.from({ length: 1000 }, row))
        .execute();
    }
  });

  const deleted = await call(server.url, 'DELETE', '/api/account', { password: PASSWORD }, token);
  assert.equal(deleted.status, 204);
  await server.stop('SIGKILL');

  // count(*) is a number on SQLite and a bigint string on PostgreSQL.
  const keys = async () =>
    Number(
      (
        await platform.db
          .selectFrom('user_keys')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('user_id', '=', userId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const pending = async () =>
    Number(
      (
        await platform.db
          .selectFrom('pending_purges')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('user_id', '=', userId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const logs = async () =>
    Number(
      (
        await vault.db
          .selectFrom('mood_logs')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('user_id', '=', userId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  assert.equal(await keys(), 0);
  assert.equal(await pending(), 1);
  const left = await logs();
  assert.ok(left > 0, 'the purge was not interrupted; the test proved nothing');

  const again = await startServer(env);
  t.after(() => again.stop('SIGKILL'));
  let remaining = left;
  for (let i = 0; i < 600 && remaining > 0; i += 1) {
    await sleep(100);
    remaining = await logs();
  }
  assert.equal(remaining, 0, 'the next start did not finish the purge');
  for (let i = 0; i < 50 && (await pending()) > 0; i += 1) await sleep(100);
  assert.equal(await pending(), 0);
  await again.stop();
});
