import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';

import SqliteDatabase from 'better-sqlite3';

import { tempDir, testEnv } from '../helpers.ts';
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
  if (process.env.TEST_PLATFORM_DATABASE_URL) {
    t.skip('seeds SQLite files directly');
    return;
  }
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = testEnv(dir, { PURGE_BATCH_SIZE: '1' });
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

  // Many rows, so that a purge one row per batch is still running when killed.
  const vaultFile = join(dir, 'vault.db');
  const vault = new SqliteDatabase(vaultFile);
  vault.pragma('busy_timeout = 5000');
  const insert = vault.prepare(
    "insert into mood_logs (id, user_id, payload, created_at, updated_at, mood_id, logged_at) values (?, ?, ?, 'x', 'x', 'm', 'x')",
  );
  vault.transaction(() => {
    for (let i = 0; i < 20_000; i += 1) insert.run(randomUUID(), userId, randomBytes(64));
  })();
  vault.close();

  const deleted = await call(server.url, 'DELETE', '/api/account', { password: PASSWORD }, token);
  assert.equal(deleted.status, 204);
  await server.stop('SIGKILL');

  const count = (file: string, sql: string) => {
    const db = new SqliteDatabase(file, { readonly: true });
    try {
      return (db.prepare(sql).get(userId) as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const platformFile = join(dir, 'platform.db');
  assert.equal(count(platformFile, 'select count(*) n from user_keys where user_id = ?'), 0);
  assert.equal(count(platformFile, 'select count(*) n from pending_purges where user_id = ?'), 1);
  const left = count(vaultFile, 'select count(*) n from mood_logs where user_id = ?');
  assert.ok(left > 0, 'the purge was not interrupted; the test proved nothing');

  const again = await startServer(env);
  t.after(() => again.stop('SIGKILL'));
  let remaining = left;
  for (let i = 0; i < 300 && remaining > 0; i += 1) {
    await sleep(100);
    remaining = count(vaultFile, 'select count(*) n from mood_logs where user_id = ?');
  }
  assert.equal(remaining, 0, 'the next start did not finish the purge');
  for (
    let i = 0;
    i < 50 && count(platformFile, 'select count(*) n from pending_purges where user_id = ?') > 0;
    i += 1
  ) {
    await sleep(100);
  }
  assert.equal(count(platformFile, 'select count(*) n from pending_purges where user_id = ?'), 0);
  await again.stop();
});
