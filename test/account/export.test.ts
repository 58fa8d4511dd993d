import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { KyselyPlugin, RootOperationNode } from 'kysely';
import { SelectQueryNode, TableNode } from 'kysely';
import { Value } from 'typebox/value';

import { DataKeys } from '../../src/auth/accounts/data-keys.ts';
import { createJournal } from '../../src/journal/journal.ts';
import { ExportDocument } from '../../src/journal/transfer/document.ts';
import { EXPORT_BATCH, exportDocument } from '../../src/journal/transfer/export.ts';
import {
  codeAt,
  enrolledUser,
  post,
  PASSWORD as MFA_PASSWORD,
  wrongCode,
} from '../auth/mfa-support.ts';
import { makeApp } from '../helpers.ts';
import { assertProblem, ok, twoUsers } from '../journal/helpers.ts';
import {
  CALM,
  fillJournal,
  requestExport,
  sealerOf,
  seedEntries,
  userIdOf,
} from './transfer-support.ts';

test('an export needs the password: a wrong one is refused with 401 and shows nothing of the journal', async (t) => {
  const { alice } = await twoUsers(t);
  await fillJournal(alice, 'alice');

  const wrong = await requestExport(alice, { password: 'not my password at all' });
  assertProblem(wrong, 401);
  assert.doesNotMatch(wrong.body, /alice/);
  assertProblem(await requestExport(alice, {}), 400);

  const activity = ok(await alice.call('GET', '/api/account/activity'));
  assert.ok(!activity.items.some((e: { type: string }) => e.type === 'export'));
});

test('an export without a signed-in user is refused with 401', async (t) => {
  const { app } = await makeApp(t);
  const res = await app.inject({
    method: 'POST',
    url: '/api/account/export',
    payload: { password: MFA_PASSWORD },
  });
  assertProblem(res, 401);
});

test('with MFA on, an export needs a current code or a recovery code besides the password', async (t) => {
  const { app } = await makeApp(t);
  const mia = await enrolledUser(app, 'mia@example.test');
  const call = (body: Record<string, unknown>) =>
    post(app, '/api/account/export', body, mia.accessToken);

  assertProblem(await call({ password: MFA_PASSWORD }), 401);
  assertProblem(await call({ password: MFA_PASSWORD, code: wrongCode(mia.secret) }), 401);
  assertProblem(await call({ password: 'not my password at all', code: codeAt(mia.secret) }), 401);

  const withCode = await call({ password: MFA_PASSWORD, code: codeAt(mia.secret) });
  assert.equal(withCode.statusCode, 200, withCode.body);
  assert.equal(withCode.json().format, 'daybook-export');
  const withRecovery = await call({ password: MFA_PASSWORD, recoveryCode: mia.recoveryCodes[0] });
  assert.equal(withRecovery.statusCode, 200, withRecovery.body);
});

test('the export holds everything written, decrypted, as one versioned JSON attachment', async (t) => {
  const { alice } = await twoUsers(t);
  await fillJournal(alice, 'alice');

  const res = await requestExport(alice);
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.match(
    String(res.headers['content-disposition']),
    /^attachment; filename="daybook-export-\d{4}-\d{2}-\d{2}\.json"$/,
  );
  assert.equal(res.headers['cache-control'], 'no-store');

  const doc = res.json();
  assert.equal(Value.Check(ExportDocument, doc), true, 'the document has the documented shape');
  assert.equal(doc.format, 'daybook-export');
  assert.equal(doc.version, 1);
  assert.ok(!Number.isNaN(Date.parse(doc.exportedAt)));
  assert.deepEqual(doc.profile, {
    email: 'alice@example.test',
    displayName: 'alice the writer',
    timeZone: 'Europe/Paris',
  });

  const [craft, health, old] = doc.pillars;
  assert.deepEqual(
    doc.pillars.map((p: { name: string; position: number; archived: boolean }) => [
      p.name,
      p.position,
      p.archived,
    ]),
    [
      ['alice craft', 0, false],
      ['alice health', 1, false],
      ['alice old project', 2, true],
    ],
  );
  assert.deepEqual(
    {
      description: health.description,
      color: health.color,
      icon: health.icon,
      target: health.target,
      current: health.current,
    },
    {
      description: 'alice sleep and strength',
      color: '#22aa55',
      icon: 'heart',
      target: 5,
      current: 2.5,
    },
  );
  assert.equal(old.archived, true);

  assert.deepEqual(
    doc.entries.map((e: { date: string }) => e.date),
    ['2026-03-02', '2026-03-01'],
  );
  const first = doc.entries[1];
  assert.equal(first.title, 'alice first page');
  assert.match(first.content, /^alice wrote: a morning walk/);
  assert.equal(first.completed, true);
  assert.deepEqual(first.pillarIds, [craft.id, health.id]);
  assert.deepEqual(doc.entries[0].pillarIds, []);

  const [run, read] = doc.habits;
  assert.deepEqual(
    doc.habits.map((h: { name: string; archived: boolean }) => [h.name, h.archived]),
    [
      ['alice run', false],
      ['alice read', true],
    ],
  );
  assert.deepEqual(doc.habitChecks, [
    { habitId: run.id, date: '2026-03-01' },
    { habitId: run.id, date: '2026-03-02' },
    { habitId: read.id, date: '2026-02-27' },
  ]);

  assert.deepEqual(doc.feels, [
    {
      date: '2026-03-02',
      morning: null,
      evening: {
        gaveEnergy: '',
        drainedEnergy: 'alice the rain',
        pressureOrPurpose: 'neither',
        honestNote: '',
      },
    },
    {
      date: '2026-03-01',
      morning: {
        mentalState: 7,
        strongestEmotion: 'alice hopeful',
        avoiding: 'alice the tax letter',
        habitsDone: [run.id],
      },
      evening: {
        gaveEnergy: 'alice the walk',
        drainedEnergy: 'alice the meeting',
        pressureOrPurpose: 'purpose',
        honestNote: 'alice it was a good day',
      },
    },
  ]);

  assert.deepEqual(
    doc.moods.map((m: { name: string; emoji: string; archived: boolean }) => [
      m.name,
      m.emoji,
      m.archived,
    ]),
    [
      ['alice cozy', '🧣', false],
      ['alice restless', '🌀', true],
    ],
    'only moods of your own; system moods are the same for everyone',
  );
  assert.deepEqual(
    doc.moodLog.map((l: { moodId: string; note: string | null; at: string }) => [
      l.moodId,
      l.note,
      l.at,
    ]),
    [
      [doc.moods[0].id, null, '2026-03-01T20:00:00.000Z'],
      [CALM, 'alice coffee outside', '2026-03-01T08:00:00.000Z'],
    ],
  );

  assert.equal(doc.weeklyRecaps.length, 1);
  const { createdAt, updatedAt, ...recap } = doc.weeklyRecaps[0];
  assert.deepEqual(recap, {
    week: '2026-W09',
    wins: 'alice finished the chapter',
    patterns: 'alice late nights',
    courseCorrections: 'alice lights out at eleven',
  });
  assert.ok(createdAt && updatedAt);

  const activity = ok(await alice.call('GET', '/api/account/activity'));
  assert.equal(activity.items[0].type, 'export');
});

test("Bob's export holds none of Alice's data", async (t) => {
  const { alice, bob } = await twoUsers(t);
  await fillJournal(alice, 'alice');
  await fillJournal(bob, 'bob');
  const aliceDoc = ok(await requestExport(alice));

  const res = await requestExport(bob);
  assert.equal(res.statusCode, 200, res.body);
  assert.doesNotMatch(res.body, /alice/i);
  const aliceIds = [
    ...aliceDoc.pillars,
    ...aliceDoc.habits,
    ...aliceDoc.moods,
    ...aliceDoc.entries,
    ...aliceDoc.moodLog,
  ].map((row: { id: string }) => row.id);
  for (const id of aliceIds) assert.ok(!res.body.includes(id), 'an id of Alice in Bob’s export');
  const bobDoc = res.json();
  assert.equal(bobDoc.entries.length, 2);
  assert.equal(bobDoc.profile.email, 'bob@example.test');
});

test('an empty account exports a document with every section empty', async (t) => {
  const { alice } = await twoUsers(t);
  const doc = ok(await requestExport(alice));
  for (const section of [
    'pillars',
    'habits',
    'habitChecks',
    'moods',
    'entries',
    'feels',
    'moodLog',
    'weeklyRecaps',
  ]) {
    assert.deepEqual(doc[section], [], section);
  }
  assert.deepEqual(doc.profile, {
    email: 'alice@example.test',
    displayName: null,
    timeZone: null,
  });
});

/** Counts rows answered by selects from one table. */
function rowsReadFrom(table: string): { plugin: KyselyPlugin; count: () => number } {
  const watched = new WeakSet<object>();
  let rows = 0;
  const plugin: KyselyPlugin = {
    transformQuery(args): RootOperationNode {
      const { node } = args;
      if (
        SelectQueryNode.is(node) &&
        node.from?.froms.some((f) => TableNode.is(f) && f.table.identifier.name === table)
      ) {
        watched.add(args.queryId);
      }
      return node;
    },
    async transformResult(args) {
      if (watched.has(args.queryId)) rows += args.result.rows.length;
      return args.result;
    },
  };
  return { plugin, count: () => rows };
}

test('a large account is exported in many chunks, each batch read from the vault only when pulled', async (t) => {
  const { alice, deps } = await twoUsers(t);
  const userId = await userIdOf(alice);
  await seedEntries(deps, userId, 3000);

  const reads = rowsReadFrom('entries');
  const db = deps.vault.db.withPlugin(reads.plugin);
  const dataKeys = new DataKeys(deps.platform.db, deps.keyRing);
  const journal = createJournal({
    db,
    keyFor: (id) => dataKeys.forUser(id),
    timeZoneOf: async () => null,
  });
  const chunks = exportDocument(
    { journal, db, sealer: await sealerOf(deps, userId) },
    {
      exportedAt: new Date().toISOString(),
      profile: { email: 'alice@example.test', displayName: null, timeZone: null },
    },
  );

  const parts: string[] = [];
  let readAtFirstEntries: number | undefined;
  let longest = 0;
  for await (const chunk of chunks) {
    if (chunk.startsWith(',"entries":[')) readAtFirstEntries = reads.count();
    longest = Math.max(longest, chunk.length);
    parts.push(chunk);
  }

  const doc = JSON.parse(parts.join(''));
  assert.equal(doc.entries.length, 3000);
  assert.equal(doc.entries[0].date, '2008-03-18');
  assert.ok(
    parts.length >= 3000 / EXPORT_BATCH,
    `entries come in batches of ${EXPORT_BATCH}: ${parts.length} chunks`,
  );
  assert.ok(
    readAtFirstEntries !== undefined && readAtFirstEntries <= EXPORT_BATCH + 1,
    `the first batch was written after reading ${readAtFirstEntries} entries, not all of them`,
  );
  assert.ok(reads.count() >= 3000, 'every entry was read by the end');
  assert.ok(longest < 200_000, `no chunk holds more than a batch: the longest is ${longest}`);
});

test('a large account exports completely over HTTP', async (t) => {
  const { alice, deps } = await twoUsers(t);
  await seedEntries(deps, await userIdOf(alice), 3000);

  const res = await requestExport(alice);
  assert.equal(res.statusCode, 200);
  const doc = res.json();
  assert.equal(doc.entries.length, 3000);
  assert.equal(new Set(doc.entries.map((e: { date: string }) => e.date)).size, 3000);
});

test('a row that will not open cuts the export off: no whole document is answered, and the server keeps serving', async (t) => {
  const { alice, bob, deps } = await twoUsers(t);
  const userId = await userIdOf(alice);
  await seedEntries(deps, userId, 300);
  await deps.vault.db
    .updateTable('entries')
    .set({ payload: Buffer.alloc(64, 7) })
    .where('user_id', '=', userId)
    .where('entry_date', '=', '2000-02-01')
    .execute();

  // The head of the document is already sent, so the answer is cut off, never closed as whole.
  await assert.rejects(requestExport(alice), /destroyed before completion/);
  assert.equal((await requestExport(bob)).statusCode, 200);
});
