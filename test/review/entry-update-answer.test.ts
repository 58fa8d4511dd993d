/**
 * Review of the entry update answering from what it wrote instead of
 * reading the entry back (src/journal/entries/entries.service.ts `update`):
 * the answer must be what a read afterwards gets, and a concurrent update
 * must not make either answer a lie about what is stored.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';

import { ok, twoUsers, type Json } from '../journal/helpers.ts';

const DATE = '2026-12-01';

test('every update answers exactly what a read afterwards returns: fields, links in pillar order, times', async (t) => {
  const { alice, bob } = await twoUsers(t);
  const pillars: string[] = [];
  for (const name of ['A', 'B', 'C'])
    pillars.push(ok(await alice.call('POST', '/api/pillars', { name }), 201).id as string);
  const bobPillar = ok(await bob.call('POST', '/api/pillars', { name: 'Bob' }), 201).id as string;
  ok(await alice.call('POST', '/api/entries', { date: DATE, content: 'first', title: 'T' }), 201);

  const changes: Json[] = [
    { title: 'A title with “quotes” and 😀' },
    { content: 'x'.repeat(5000) },
    { completed: true },
    { pillarIds: [pillars[2], pillars[0], pillars[2]] }, // out of order, repeated
    { title: '', content: '', completed: false },
    { pillarIds: [] },
    { pillarIds: [pillars[1]], content: 'with \u0000 and \ud800 inside' },
    {},
  ];
  for (const change of changes) {
    const answer = ok(await alice.call('PATCH', `/api/entries/${DATE}`, change));
    const read = ok(await alice.call('GET', `/api/entries/${DATE}`));
    assert.deepEqual(answer, read, JSON.stringify(change));
  }
  // Refused changes answer nothing and change nothing.
  const before = ok(await alice.call('GET', `/api/entries/${DATE}`));
  const refused = await alice.call('PATCH', `/api/entries/${DATE}`, {
    content: 'never stored',
    pillarIds: [bobPillar],
  });
  assert.equal(refused.statusCode, 404, refused.body);
  assert.deepEqual(ok(await alice.call('GET', `/api/entries/${DATE}`)), before);
  assert.equal((await bob.call('PATCH', `/api/entries/${DATE}`, { content: 'b' })).statusCode, 404);
});

test('concurrent updates of different fields of one entry both stay, and the last answer is what is stored', async (t) => {
  const { alice } = await twoUsers(t);
  ok(await alice.call('POST', '/api/entries', { date: DATE, content: 'c0', title: 't0' }), 201);
  for (let round = 1; round <= 10; round++) {
    const [a, b] = await Promise.all([
      alice.call('PATCH', `/api/entries/${DATE}`, { title: `t${round}` }),
      alice.call('PATCH', `/api/entries/${DATE}`, { content: `c${round}` }),
    ]);
    const answers = [ok(a), ok(b)];
    const stored = ok(await alice.call('GET', `/api/entries/${DATE}`));
    assert.deepEqual(
      { title: stored.title, content: stored.content },
      { title: `t${round}`, content: `c${round}` },
      `round ${round}: an update answered 200 and was then silently undone by the other`,
    );
    // The update that committed last answered exactly what is stored.
    assert.ok(
      answers.some((answer) => isDeepStrictEqual(answer, stored)),
      `round ${round}: no answer is what is stored`,
    );
  }
});
