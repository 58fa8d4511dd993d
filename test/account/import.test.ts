import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';

import { InsertQueryNode, type KyselyPlugin } from 'kysely';

import { importDocument } from '../../src/journal/transfer/import.ts';
import { holdsJournalData } from '../../src/journal/transfer/transfer.repository.ts';
import { makeApp } from '../helpers.ts';
import { assertProblem, ok, signIn, twoUsers, type Json, type User } from '../journal/helpers.ts';
import {
  CALM,
  comparable,
  exportOf,
  fillJournal,
  importInto,
  sealerOf,
  userIdOf,
} from './transfer-support.ts';

const NONE = {
  entries: 0,
  pillars: 0,
  feels: 0,
  habits: 0,
  habitChecks: 0,
  moods: 0,
  moodLogs: 0,
  weeklyRecaps: 0,
};

/** What fillJournal writes, row by row. */
const FILLED = {
  entries: 2,
  pillars: 3,
  feels: 3,
  habits: 2,
  habitChecks: 3,
  moods: 2,
  moodLogs: 2,
  weeklyRecaps: 1,
};

/** Every id a document gives its rows. */
function idsOf(doc: Json): string[] {
  return [...doc.pillars, ...doc.habits, ...doc.moods, ...doc.entries, ...doc.moodLog].map(
    (row: { id: string }) => row.id,
  );
}

async function assertEmpty(user: User): Promise<void> {
  const doc = await exportOf(user);
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
    assert.deepEqual(doc[section], [], `${section} is empty`);
  }
}

/** A document of `count` entries on consecutive days, each linked to its one pillar. */
function bigDocument(count: number): Json {
  const pillarId = randomUUID();
  const day = Date.UTC(2020, 0, 1);
  return {
    format: 'daybook-export',
    version: 1,
    pillars: [
      {
        id: pillarId,
        name: 'Health',
        description: '',
        color: null,
        icon: null,
        target: 3,
        current: 0,
        archived: false,
        position: 0,
      },
    ],
    entries: Array.from({ length: count }, (_, i) => ({
      date: new Date(day + i * 86_400_000).toISOString().slice(0, 10),
      title: `day ${i}`,
      content: `what happened on day ${i}`,
      completed: false,
      pillarIds: [pillarId],
    })),
  };
}

test('export, import into a new account, export again: the same content under fresh ids', async (t) => {
  const { app, alice } = await twoUsers(t);
  await fillJournal(alice, 'alice');
  const first = await exportOf(alice);
  assert.ok(JSON.stringify(first).length > 16 * 1024, 'larger than the default body limit');

  const carol = await signIn(app, 'carol@example.test');
  const answer = ok(await importInto(carol, first));
  assert.deepEqual(answer, { imported: FILLED, skipped: NONE });

  const second = await exportOf(carol);
  assert.deepEqual(comparable(second), comparable(first));
  assert.equal(second.profile.email, 'carol@example.test');
  const before = new Set(idsOf(first));
  assert.ok(
    idsOf(second).every((id) => !before.has(id)),
    'every row has a fresh id',
  );
  assert.ok(
    second.moodLog.some((log: { moodId: string }) => log.moodId === CALM),
    'a system mood keeps its id',
  );

  // The imported journal is an ordinary one: its links, summaries and streaks work.
  const entry = ok(await carol.call('GET', '/api/entries/2026-03-01'));
  const pillars = ok(await carol.call('GET', '/api/pillars')).items;
  assert.deepEqual(entry.pillarIds, [pillars[0].id, pillars[1].id]);
  const recap = ok(await carol.call('GET', '/api/weekly/2026-W09'));
  assert.equal(recap.wins, 'alice finished the chapter');
  assert.equal(recap.summary.feels.topEmotion, 'alice hopeful');
  const history = ok(await carol.call('GET', '/api/habits/history?from=2026-02-01&to=2026-03-31'));
  assert.deepEqual(
    history.items.map((h: { dates: string[] }) => h.dates),
    [['2026-03-01', '2026-03-02'], ['2026-02-27']],
  );

  const activity = ok(await carol.call('GET', '/api/account/activity'));
  assert.ok(activity.items.some((e: { type: string }) => e.type === 'import'));
});

test('an import needs a signed-in user but no password', async (t) => {
  const { app, alice } = await twoUsers(t);
  const doc = { format: 'daybook-export', version: 1 };
  const anonymous = await app.inject({
    method: 'POST',
    url: '/api/account/import',
    payload: doc,
  });
  assertProblem(anonymous, 401);
  assert.deepEqual(ok(await importInto(alice, doc)), { imported: NONE, skipped: NONE });
});

test('an import into an account that already holds journal data is refused with 409 and writes nothing', async (t) => {
  const { alice, bob } = await twoUsers(t);
  await fillJournal(alice, 'alice');
  const doc = await exportOf(alice);
  ok(await bob.call('POST', '/api/moods', { name: 'bob grumpy', emoji: '😾' }), 201);
  const before = comparable(await exportOf(bob));

  assertProblem(await importInto(bob, doc), 409);
  assertProblem(await importInto(bob, doc, 'empty'), 409);
  assert.deepEqual(comparable(await exportOf(bob)), before);
});

test('a document with one bad row deep inside is refused with 400 and the account stays empty', async (t) => {
  const { alice } = await twoUsers(t);
  const cases: [string, (doc: Json) => void, string][] = [
    [
      'content too long',
      (d) => (d.entries[1400].content = 'x'.repeat(100_001)),
      '/body/entries/1400/content',
    ],
    [
      'a date that does not exist',
      (d) => (d.entries[1401].date = '2026-02-30'),
      '/body/entries/1401/date',
    ],
    [
      'a link to no pillar of the document',
      (d) => (d.entries[1402].pillarIds = [randomUUID()]),
      '/body/entries/1402/pillarIds/0',
    ],
    [
      'a second entry for a day',
      (d) => (d.entries[1403].date = d.entries[3].date),
      '/body/entries/1403/date',
    ],
    [
      'a field the format does not have',
      (d) => (d.entries[1404].mood = 'happy'),
      '/body/entries/1404/mood',
    ],
    [
      'a week that does not exist',
      (d) =>
        (d.weeklyRecaps = [{ week: '2021-W53', wins: '', patterns: '', courseCorrections: '' }]),
      '/body/weeklyRecaps/0/week',
    ],
    [
      'a timestamp on 30 February',
      (d) => (d.entries[1405].createdAt = '2026-02-30T10:00:00Z'),
      '/body/entries/1405/createdAt',
    ],
    [
      'an unknown time zone',
      (d) => (d.profile = { displayName: null, timeZone: 'Mars/Olympus_Mons' }),
      '/body/profile/timeZone',
    ],
    ['a version this server does not know', (d) => (d.version = 2), '/body/version'],
  ];
  for (const [what, spoil, path] of cases) {
    const doc = bigDocument(1500);
    spoil(doc);
    const res = await importInto(alice, doc);
    const problem = assertProblem(res, 400);
    assert.ok(
      problem.errors?.some((e) => e.path === path),
      `${what}: ${JSON.stringify(problem.errors)}`,
    );
    assert.doesNotMatch(res.body, /what happened|xxxxxxxx/, `${what}: no content echoed`);
  }
  await assertEmpty(alice);
  // The same document unspoilt goes in whole.
  assert.equal(ok(await importInto(alice, bigDocument(1500))).imported.entries, 1500);
});

/** Fails any insert into `table`, as a full disk or a lost connection would. */
function failingInsertInto(table: string): KyselyPlugin {
  return {
    transformQuery({ node }) {
      if (InsertQueryNode.is(node) && node.into?.table.identifier.name === table) {
        throw new Error('disk I/O error');
      }
      return node;
    },
    async transformResult({ result }) {
      return result;
    },
  };
}

test('a write failing half-way through an import leaves nothing behind', async (t) => {
  const { app, alice, deps } = await twoUsers(t);
  await fillJournal(alice, 'alice');
  const doc = await exportOf(alice);
  const carol = await signIn(app, 'carol@example.test');
  const carolId = await userIdOf(carol);

  // Weekly recaps are written last: everything else is in the transaction when it fails.
  const failing = deps.vault.db.withPlugin(failingInsertInto('weekly_recaps'));
  await assert.rejects(
    importDocument(failing, await sealerOf(deps, carolId), doc, 'empty'),
    /disk I\/O error/,
  );

  assert.equal(await holdsJournalData(deps.vault.db, carolId), false);
  for (const table of ['entry_pillars', 'habit_checks'] as const) {
    const rows = await deps.vault.db
      .selectFrom(table)
      .select('user_id')
      .where('user_id', '=', carolId)
      .execute();
    assert.deepEqual(rows, [], table);
  }
  await assertEmpty(carol);
  assert.deepEqual(ok(await importInto(carol, doc)).imported, FILLED, 'a retry goes in whole');
});

test('merging keeps what the account has: a date, week or name it already has is skipped, and a second merge adds nothing', async (t) => {
  const { alice, bob } = await twoUsers(t);
  await fillJournal(alice, 'alice');
  const doc = await exportOf(alice);
  const own = ok(await bob.call('POST', '/api/pillars', { name: 'Bob first' }), 201);
  ok(
    await bob.call('POST', '/api/pillars', { name: 'ALICE Health', description: 'bob kept' }),
    201,
  );
  ok(await bob.call('POST', '/api/entries', { date: '2026-03-01', content: 'bob was here' }), 201);
  ok(
    await bob.call('PUT', '/api/feels/2026-03-01/evening', {
      gaveEnergy: 'bob energy',
      drainedEnergy: '',
      pressureOrPurpose: 'both',
      honestNote: '',
    }),
  );
  ok(await bob.call('PUT', '/api/weekly/2026-W09', { wins: 'bob wins' }));

  const merged = ok(await importInto(bob, doc, 'merge'));
  assert.deepEqual(merged, {
    imported: { ...FILLED, entries: 1, pillars: 2, feels: 2, weeklyRecaps: 0 },
    skipped: { ...NONE, entries: 1, pillars: 1, feels: 1, weeklyRecaps: 1 },
  });

  const after = await exportOf(bob);
  const entries = new Map(after.entries.map((e: Json) => [e.date, e]));
  assert.equal((entries.get('2026-03-01') as Json).content, 'bob was here');
  assert.match((entries.get('2026-03-02') as Json).content, /alice second day/);
  assert.deepEqual(
    after.pillars.map((p: Json) => [p.name, p.position]),
    [
      ['Bob first', 0],
      ['ALICE Health', 1],
      ['alice craft', 2],
      ['alice old project', 3],
    ],
    "the account's own first, the document's after them in its order",
  );
  assert.equal(after.pillars[1].description, 'bob kept');
  assert.equal(after.pillars[0].id, own.id);
  assert.equal(after.weeklyRecaps[0].wins, 'bob wins');
  const day = after.feels.find((d: Json) => d.date === '2026-03-01');
  assert.equal(day.evening.gaveEnergy, 'bob energy');
  assert.equal(day.morning.strongestEmotion, 'alice hopeful');

  const again = ok(await importInto(bob, doc, 'merge'));
  assert.deepEqual(again.imported, NONE);
  assert.deepEqual(again.skipped, FILLED);
  assert.deepEqual(comparable(await exportOf(bob)), comparable(after));
});

test("ids in a document link only to rows of that document, never to another user's", async (t) => {
  const { alice, bob } = await twoUsers(t);
  await fillJournal(bob, 'bob');
  const bobBefore = await exportOf(bob);
  const [bobPillar] = bobBefore.pillars;
  const [bobHabit] = bobBefore.habits;
  const [bobMood] = bobBefore.moods;
  const entry = { date: '2026-04-01', title: '', content: 'mine', completed: false };
  const head = { format: 'daybook-export', version: 1 };

  const refused: [Json, string][] = [
    [
      { ...head, entries: [{ ...entry, pillarIds: [bobPillar.id] }] },
      '/body/entries/0/pillarIds/0',
    ],
    [
      { ...head, habitChecks: [{ habitId: bobHabit.id, date: '2026-04-01' }] },
      '/body/habitChecks/0/habitId',
    ],
    [
      {
        ...head,
        feels: [
          {
            date: '2026-04-01',
            morning: {
              mentalState: 5,
              strongestEmotion: '',
              avoiding: '',
              habitsDone: [bobHabit.id],
            },
            evening: null,
          },
        ],
      },
      '/body/feels/0/morning/habitsDone/0',
    ],
    [
      { ...head, moodLog: [{ moodId: bobMood.id, note: null, at: '2026-04-01T09:00:00Z' }] },
      '/body/moodLog/0/moodId',
    ],
  ];
  for (const [doc, path] of refused) {
    const problem = assertProblem(await importInto(alice, doc), 400);
    assert.deepEqual(
      problem.errors?.map((e) => e.path),
      [path],
    );
  }
  await assertEmpty(alice);

  // A document may reuse Bob's ids for rows of its own: they get fresh ids, Bob's rows stay his.
  const reusing = {
    ...head,
    pillars: [{ ...bobPillar, name: 'alice pillar' }],
    entries: [{ ...entry, pillarIds: [bobPillar.id] }],
  };
  assert.equal(ok(await importInto(alice, reusing)).imported.pillars, 1);
  const aliceDoc = await exportOf(alice);
  assert.notEqual(aliceDoc.pillars[0].id, bobPillar.id);
  assert.deepEqual(aliceDoc.entries[0].pillarIds, [aliceDoc.pillars[0].id]);
  const bobAfter = await exportOf(bob);
  assert.deepEqual(bobAfter.pillars, bobBefore.pillars);
  assert.deepEqual(comparable(bobAfter), comparable(bobBefore));
});

test('an import may leave out sections, timestamps and row ids', async (t) => {
  const { app } = await makeApp(t);
  const dana = await signIn(app, 'dana@example.test');
  const doc = {
    format: 'daybook-export',
    version: 1,
    moods: [{ id: randomUUID(), name: 'Sunny', emoji: '🌞', archived: false }],
    moodLog: [{ moodId: CALM, note: 'tea', at: '2026-05-01T07:30:00+02:00' }],
  };
  assert.deepEqual(ok(await importInto(dana, doc)).imported, { ...NONE, moods: 1, moodLogs: 1 });
  const log = ok(await dana.call('GET', '/api/moods/log')).items;
  assert.deepEqual(
    log.map((l: Json) => [l.moodId, l.note, l.at]),
    [[CALM, 'tea', '2026-05-01T05:30:00.000Z']],
  );
});
