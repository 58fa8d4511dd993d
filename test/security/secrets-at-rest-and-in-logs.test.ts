/**
 * No password, refresh token or access token used by a client is ever
 * written down (DESIGN.md sections 5 and 7): not in any table, not in the
 * raw bytes of the database files (free pages and WAL included), not in the
 * audit trail, not in the logs, even at trace level.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { test } from 'node:test';

import { sql } from 'kysely';

import type { App } from '../../src/http/types.ts';
import { bytesAtRest } from '../at-rest.ts';
import {
  bearer,
  changePassword,
  lab,
  login,
  loginOk,
  openLab,
  refresh,
  signup,
  type OpenedApp,
  type Tokens,
} from '../auth/support.ts';

const EMAIL = 'secret-keeper@example.test';
const FIRST_PASSWORD = 'first Secret Phrase 41';
const SECOND_PASSWORD = 'second Secret Phrase 42';
const WRONG_PASSWORD = 'wrong Secret Phrase 43';

/** Every way a client hands the server a secret in issue 3, once each. Returns what was used. */
async function useEverySecret(app: App): Promise<string[]> {
  const used: string[] = [FIRST_PASSWORD, SECOND_PASSWORD, WRONG_PASSWORD];
  assert.equal((await signup(app, EMAIL, FIRST_PASSWORD)).statusCode, 202);
  assert.equal((await signup(app, EMAIL, WRONG_PASSWORD)).statusCode, 202); // taken address
  await login(app, EMAIL, WRONG_PASSWORD);
  const first = await loginOk(app, EMAIL, FIRST_PASSWORD);
  const rotated = (await refresh(app, first.refreshToken)).json() as Tokens;
  await refresh(app, first.refreshToken); // reuse: the session ends
  const second = await loginOk(app, EMAIL, FIRST_PASSWORD);
  await app.inject({
    method: 'GET',
    url: '/api/auth/profile',
    headers: bearer(second.accessToken),
  });
  await changePassword(app, second.accessToken, WRONG_PASSWORD, SECOND_PASSWORD);
  await changePassword(app, second.accessToken, FIRST_PASSWORD, SECOND_PASSWORD);
  const third = await loginOk(app, EMAIL, SECOND_PASSWORD);
  // A body that is not valid JSON, with a password in it.
  await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'content-type': 'application/json' },
    payload: `{"email":"${EMAIL}","password":"${SECOND_PASSWORD}"`,
  });
  // A body with an unknown field next to a password.
  await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: EMAIL, password: SECOND_PASSWORD, extra: third.refreshToken },
  });
  await app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(third.accessToken) });
  for (const t of [first, rotated, second, third]) used.push(t.accessToken, t.refreshToken);
  return used;
}

/** The forms a secret could take on disk. */
function forms(secret: string): Buffer[] {
  const out = [Buffer.from(secret, 'utf8'), Buffer.from(secret, 'utf16le')];
  if (/^[A-Za-z0-9_-]{43}$/.test(secret)) out.push(Buffer.from(secret, 'base64url')); // raw bytes
  if (secret.split('.').length === 3) out.push(Buffer.from(secret.split('.')[2]!, 'utf8')); // JWT signature
  return out;
}

function assertAbsent(haystack: Buffer, secrets: readonly string[], where: string): void {
  for (const secret of secrets) {
    for (const form of forms(secret)) {
      assert.equal(haystack.indexOf(form), -1, `${where} holds ${secret.slice(0, 12)}…`);
    }
  }
}

async function dumpTables(o: OpenedApp): Promise<Buffer> {
  const db = o.deps.platform.db;
  const tables =
    o.deps.platform.dialect === 'sqlite'
      ? (
          await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'table'`.execute(db)
        ).rows
      : (
          await sql<{
            name: string;
          }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(
            db,
          )
        ).rows;
  const parts: Buffer[] = [];
  for (const { name } of tables) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
    for (const row of rows.rows) {
      for (const value of Object.values(row)) {
        parts.push(Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8'));
      }
    }
  }
  assert.ok(tables.length >= 5, 'no tables found: the dump would prove nothing');
  return Buffer.concat(parts);
}

test('no password, refresh token or access token is stored in any table or in the raw database files', async (t) => {
  const l = lab(t);
  const o = await l.open();
  const used = await useEverySecret(o.app);
  const dump = await dumpTables(o);
  assert.ok(dump.length > 0);
  assertAbsent(dump, used, 'a table');
  // The activity a user reads holds none either.
  await o.deps.platform.db.updateTable('users').set({ locked_until: null }).execute();
  const reader = await loginOk(o.app, EMAIL, SECOND_PASSWORD);
  const trail = await o.app.inject({
    method: 'GET',
    url: '/api/account/activity?limit=100',
    headers: bearer(reader.accessToken),
  });
  assert.equal(trail.statusCode, 200);
  assertAbsent(Buffer.from(trail.body), used, 'the activity list');

  const files = [o.deps.platform.file, o.deps.vault.file].filter(
    (f): f is string => f !== undefined,
  );
  if (files.length === 0) {
    // PostgreSQL: its files belong to the server; every value of every vault table instead.
    assertAbsent(await bytesAtRest(o.deps.vault), used, 'a vault table');
    return;
  }
  // Read the files while open (the WAL still holds recent pages) and after closing.
  const raw = (paths: string[]) =>
    Buffer.concat(
      paths
        .flatMap((f) => [f, `${f}-wal`, `${f}-journal`])
        .filter((f) => existsSync(f))
        .map((f) => readFileSync(f)),
    );
  const whileOpen = raw(files);
  assert.ok(whileOpen.includes(Buffer.from('refresh_tokens')), 'not the database bytes');
  assertAbsent(whileOpen, used, 'a database file');
  await o.close();
  assertAbsent(raw(files), used, 'a database file after closing');
});

class Capture extends Writable {
  readonly chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

test('logs at trace level hold no password, refresh token or access token', async (t) => {
  const stream = new Capture();
  const o = await openLab(t, {}, { logger: { level: 'trace', stream } });
  const used = await useEverySecret(o.app);
  const text = stream.text;
  assert.match(text, /incoming request/, 'nothing was logged: the capture proves nothing');
  assertAbsent(Buffer.from(text), used, 'the log');
});

test('a log line carrying request headers or a body shows them redacted', async (t) => {
  const stream = new Capture();
  const o = await openLab(t, {}, { logger: { level: 'trace', stream } });
  const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNlY3JldA';
  o.app.log.info(
    {
      req: { headers: { authorization: `Bearer ${token}`, cookie: `__Host-rt=${token}` } },
      res: { headers: { 'set-cookie': `__Host-rt=${token}` } },
      body: { password: FIRST_PASSWORD },
    },
    'a route logged what it should not have',
  );
  o.app.log.warn(
    { password: FIRST_PASSWORD, input: { refreshToken: token, newPassword: SECOND_PASSWORD } },
    'and again, field by field',
  );
  const line = stream.text;
  assert.match(line, /a route logged what it should not have/);
  assert.ok(!line.includes(token), 'a token reached the log');
  assert.match(line, /and again, field by field/);
  assert.ok(!line.includes(FIRST_PASSWORD), 'a password reached the log');
  assert.ok(!line.includes(SECOND_PASSWORD), 'a password reached the log');
  assert.match(line, /\[redacted\]/);
});
