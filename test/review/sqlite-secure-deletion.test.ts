/**
 * Review of secure deletion on SQLite next to the background checkpointer
 * (src/db/sqlite.ts, src/db/connect.ts, src/auth/accounts/deletion.ts).
 *
 * Account deletion relies on `wal_checkpoint(TRUNCATE)` to leave no copy of
 * the wrapped data key in the write-ahead log. SQLite lets one connection
 * checkpoint at a time, and a checkpoint that finds another one running
 * returns SQLITE_BUSY at once, without calling the busy handler; as a pragma
 * that is a result row `{busy: 1}`, which `checkpoint()` throws away. Since
 * the worker thread checkpoints the same file every second (and for as long
 * as its disk syncs take, at a lower thread priority), a deletion that
 * coincides with one of its checkpoints leaves the log as it was.
 *
 * To make "coincides" certain rather than lucky, a helper thread here runs
 * exactly the worker's statement (`wal_checkpoint(PASSIVE)` with no busy
 * timeout) back to back while the account is deleted: the app's own worker
 * does the same, once a second.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';

import { bytesAtRest } from '../at-rest.ts';
import { PASSWORD, signIn } from '../journal/helpers.ts';
import { makeApp, TEST_POSTGRES_URL } from '../helpers.ts';

const CHECKPOINTING = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
let stop = false;
parentPort.once('message', () => { stop = true; });
(function run() {
  const until = Date.now() + 20;
  while (Date.now() < until) {
    try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  }
  if (!stop) return setImmediate(run);
  db.close();
  parentPort.close();
})();
`;

/** Checkpoints `file` from another thread, as the app's worker does, until stopped. */
function checkpointing(file: string): () => Promise<void> {
  const worker = new Worker(CHECKPOINTING, {
    eval: true,
    workerData: { module: createRequire(import.meta.url).resolve('better-sqlite3'), file },
  });
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  return async () => {
    worker.postMessage('stop');
    await exited;
  };
}

test(
  'a deleted account leaves no copy of its wrapped key on disk, even when a background checkpoint is running at that moment',
  { skip: TEST_POSTGRES_URL !== undefined && 'SQLite files only' },
  async (t) => {
    const { app, deps } = await makeApp(t);
    const alice = await signIn(app, 'alice@example.test');
    for (const name of ['bob', 'carol', 'dan']) await signIn(app, `${name}@example.test`);
    const id = (await alice.call('GET', '/api/auth/profile')).json().id as string;
    const { wrapped_key: wrapped } = await deps.platform.db
      .selectFrom('user_keys')
      .select('wrapped_key')
      .where('user_id', '=', id)
      .executeTakeFirstOrThrow();

    const stop = checkpointing(deps.platform.file!);
    t.after(stop);
    await sleep(100);
    const deleted = await alice.call('DELETE', '/api/account', { password: PASSWORD });
    assert.equal(deleted.statusCode, 204, deleted.body);
    await stop();

    const at = (await bytesAtRest(deps.platform)).indexOf(wrapped);
    assert.equal(at, -1, `the wrapped key of the deleted account is still on disk (byte ${at})`);
  },
);
