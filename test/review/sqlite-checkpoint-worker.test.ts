/**
 * Review of the WAL checkpoint worker (src/db/sqlite.ts `startCheckpointer`)
 * when it dies: checkpoint-on-commit must come back, and closing the
 * database (a graceful stop, `closeDeps`) must still finish.
 *
 * The worker is not exposed, so the Worker class is wrapped (before anything
 * starts one) to keep a handle on each worker the app starts.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import workerThreads from 'node:worker_threads';

import { sql, type Kysely } from 'kysely';

import { connect } from '../../src/db/connect.ts';
import { tempDir } from '../helpers.ts';

const started: workerThreads.Worker[] = [];
const Original = workerThreads.Worker;
workerThreads.Worker = class extends Original {
  constructor(...args: ConstructorParameters<typeof Original>) {
    super(...args);
    started.push(this);
  }
} as typeof Original;
syncBuiltinESMExports();

interface Tables {
  t: { n: number };
}

/** A SQLite database opened as the app opens one, and the checkpoint worker it started. */
async function open(t: test.TestContext) {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const before = started.length;
  const database = connect<Tables>(`sqlite:${join(dir, 'x.db')}`);
  assert.equal(started.length, before + 1, 'one checkpoint worker per SQLite database');
  const worker = started[started.length - 1]!;
  // A first query, as migrations make at start-up (Kysely's driver starts lazily).
  await database.db.schema.createTable('t').addColumn('n', 'integer').execute();
  return { ...database, worker };
}

async function autocheckpoint(db: Kysely<Tables>): Promise<number | undefined> {
  const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db);
  return rows[0]?.wal_autocheckpoint;
}

test('a dead checkpoint worker turns checkpoint-on-commit back on', async (t) => {
  const { db, worker } = await open(t);
  t.after(() => Promise.race([db.destroy(), sleep(1000)]));
  assert.equal(await autocheckpoint(db), 0, 'the worker checkpoints, commits do not');
  await worker.terminate();
  await sleep(50);
  assert.equal(await autocheckpoint(db), 1000);
});

test('closing the database finishes even when its checkpoint worker has died', async (t) => {
  const { db, worker } = await open(t);
  await worker.terminate();
  const closed = await Promise.race([
    db.destroy().then(() => 'closed'),
    sleep(3000).then(() => 'still waiting after 3 s'),
  ]);
  assert.equal(closed, 'closed', 'db.destroy() waits forever for the dead worker’s exit event');
});
