import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SEARCH_BATCH } from '../../src/journal/entries/entries.service.ts';
import { fold, snippet } from '../../src/journal/entries/search.ts';
import { assertProblem, ok, twoUsers } from './helpers.ts';

test('search finds every word of the query, ignoring case and accents, newest first', async (t) => {
  const { alice } = await twoUsers(t);
  const write = (date: string, title: string, content: string) =>
    alice.call('POST', '/api/entries', { date, title, content });
  ok(await write('2026-11-01', 'Été', 'Coffee at the Café de Flore with Zoë.'), 201);
  ok(await write('2026-11-02', 'Work', 'Long meeting, no cafe today.'), 201);
  ok(await write('2026-11-03', 'Cafe thoughts', 'Nothing else to say.'), 201);
  ok(await write('2026-11-04', 'Rest', 'Slept in.'), 201);

  const hits = ok(await alice.call('GET', '/api/entries/search?q=CAFÉ'));
  assert.deepEqual(
    hits.items.map((h: { date: string }) => h.date),
    ['2026-11-03', '2026-11-02', '2026-11-01'],
  );
  assert.deepEqual(hits.items[2], {
    date: '2026-11-01',
    title: 'Été',
    snippet: 'Coffee at the Café de Flore with Zoë.',
  });
  // A title-only match shows the start of the content.
  assert.equal(hits.items[0].snippet, 'Nothing else to say.');

  const both = ok(
    await alice.call('GET', `/api/entries/search?q=${encodeURIComponent('zoe ete')}`),
  );
  assert.deepEqual(
    both.items.map((h: { date: string }) => h.date),
    ['2026-11-01'],
  );
  const none = ok(await alice.call('GET', '/api/entries/search?q=cafe%20volcano'));
  assert.deepEqual(none, { items: [], nextCursor: null });
});

test('search pages with a cursor across more entries than one decryption batch', async (t) => {
  const { alice } = await twoUsers(t);
  const total = SEARCH_BATCH * 2 + 10;
  const expected: string[] = [];
  for (let i = 0; i < total; i++) {
    const date = new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10);
    const content = i % 3 === 0 ? `day ${i}: the needle is here` : `day ${i}: only hay`;
    if (i % 3 === 0) expected.unshift(date);
    ok(await alice.call('POST', '/api/entries', { date, content }), 201);
  }
  const found: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = cursor === null ? '' : `&cursor=${cursor}`;
    const page = ok(await alice.call('GET', `/api/entries/search?q=needle&limit=7${query}`));
    assert.ok(page.items.length <= 7);
    found.push(...page.items.map((h: { date: string }) => h.date));
    cursor = page.nextCursor;
    pages++;
  } while (cursor !== null && pages < 100);
  assert.deepEqual(found, expected);
  assert.ok(found.every((d) => /^\d{4}-\d{2}-\d{2}$/.test(d)));
});

test('search needs a word and refuses queries that are too long or malformed', async (t) => {
  const { alice } = await twoUsers(t);
  for (const url of [
    '/api/entries/search',
    '/api/entries/search?q=',
    '/api/entries/search?q=%20%20%20',
    `/api/entries/search?q=${'a'.repeat(201)}`,
    '/api/entries/search?q=x&limit=500',
    '/api/entries/search?q=x&cursor=%%%',
    '/api/entries/search?q=x&from=2026-01-01',
  ]) {
    assertProblem(await alice.call('GET', url), 400);
  }
});

test('search finds and cuts the same in Latin text, matched unfolded, and in other scripts, folded', async (t) => {
  const { alice } = await twoUsers(t);
  const latin = `${'Déjà vu à l’été. '.repeat(20)}Le CAFÉ — “Zoë” — ${'après '.repeat(30)}`;
  const greek = `${'Ο ΣΟΦΟΣ πίνει '.repeat(10)}café 😀 ${'και '.repeat(30)}`;
  ok(await alice.call('POST', '/api/entries', { date: '2026-10-01', content: greek }), 201);
  ok(await alice.call('POST', '/api/entries', { date: '2026-10-02', content: latin }), 201);
  ok(
    await alice.call('POST', '/api/entries', { date: '2026-10-03', title: 'Cafe', content: 'x' }),
    201,
  );

  const hits = ok(await alice.call('GET', '/api/entries/search?q=cafe'));
  const expected = (content: string) => snippet(content, fold(content).indexOf('cafe'));
  assert.deepEqual(hits.items, [
    { date: '2026-10-03', title: 'Cafe', snippet: 'x' },
    { date: '2026-10-02', title: '', snippet: expected(latin) },
    { date: '2026-10-01', title: '', snippet: expected(greek) },
  ]);
  assert.match(hits.items[1].snippet, /^….*Le CAFÉ — “Zoë” — après.*…$/);
  assert.match(hits.items[2].snippet, /^….*πίνει café 😀 και.*…$/);
  const sophos = ok(
    await alice.call('GET', `/api/entries/search?q=${encodeURIComponent('σοφος')}`),
  );
  assert.deepEqual(
    sophos.items.map((h: { date: string }) => h.date),
    ['2026-10-01'],
  );
});
