import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fold, matchEntry, termMatcher } from '../../src/journal/entries/search.ts';

/** Folding as it was first written, by the book: the reference the shortcuts must match. */
function reference(text: string): string {
  if (!/[\u0080-\uffff]/.test(text)) return text.toLowerCase();
  const latin = text
    .normalize('NFD')
    .toLowerCase()
    .replace(/[\u0300-\u036f]/g, '');
  if (!/[\u0300-\uffff]/.test(latin)) return latin;
  return latin.normalize('NFD').replace(/\p{M}/gu, '').replace(/ς/g, 'σ');
}

const chars = (first: number, last: number): string[] =>
  Array.from({ length: last - first + 1 }, (_, i) => String.fromCharCode(first + i));

/** The characters folded one at a time by a table, and some around them. */
const TABLED = [...chars(0x80, 0x2ff), ...chars(0x2000, 0x206f)];
const OTHERS = [
  ...chars(0x20, 0x7e),
  ...chars(0x300, 0x36f), // combining marks
  ...'ΣσςΌάΆ ЁёЙй ﬁ K Å ǅ ẞ ᾈ 한 日本 😀 \u{1d400} \ufb01 \u0344 \u0f73',
];

test('fold gives what folding by the book gives, one character at a time', () => {
  for (const char of [...TABLED, ...OTHERS]) {
    for (const text of [
      char,
      `A${char}b`,
      `${char}É`,
      `${char}\u2019`,
      `Σ${char}Σ`,
      char.repeat(3),
    ]) {
      assert.equal(fold(text), reference(text), `fold(${JSON.stringify(text)})`);
    }
  }
});

// A small seeded generator, so a failure can be replayed.
let seed = 12345;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const randomText = (pool: readonly string[], maxLength: number): string => {
  let text = '';
  for (let length = Math.floor(random() * maxLength); length > 0; length--) text += pick(pool);
  return text;
};

test("each of the table's characters folds to exactly one character", () => {
  for (const char of [...chars(0, 0x7f), ...TABLED]) assert.equal(fold(char).length, 1, char);
});

test('fold gives what folding by the book gives, on random texts', () => {
  const pools = [TABLED, OTHERS, [...TABLED, ...OTHERS], chars(0x41, 0x5a)];
  for (let i = 0; i < 20_000; i++) {
    const text = randomText(pools[i % pools.length] ?? TABLED, 24);
    assert.equal(fold(text), reference(text), `fold(${JSON.stringify(text)})`);
  }
});

test('fold folds journal text in Latin scripts and punctuation', () => {
  assert.equal(
    fold('Déjà vu, “Crème Brûlée” — ÀÉÎÕÜ ÇÑ Œuvre Łódź İzmir Ærø… ǅemal Ⱥ'),
    'deja vu, “creme brulee” — aeiou cn œuvre łodz izmir ærø… ǆemal ⱥ',
  );
  assert.equal(fold('plain ASCII, Mixed Case'), 'plain ascii, mixed case');
});

test('matching unfolded text gives what matching its folded copy gives', () => {
  const latin = [...'aAeEcCfF', ...'éÉèàÀçÇ', ' ', '’'];
  const pools = [latin, [...latin, ...TABLED], [...latin, ...OTHERS]];
  for (let i = 0; i < 20_000; i++) {
    const pool = pools[i % pools.length] ?? latin;
    const title = randomText(pool, 8);
    const content = randomText(pool, 40);
    // Terms as queryTerms makes them: folded, often taken from the text so that some match.
    const terms = Array.from({ length: 1 + Math.floor(random() * 2) }, () => {
      const source = fold(random() < 0.7 ? content : randomText(pool, 6));
      const start = Math.floor(random() * source.length);
      return source.slice(start, start + 1 + Math.floor(random() * 3)) || 'a';
    });
    assert.deepEqual(
      termMatcher(terms)(title, content),
      matchEntry(fold(title), fold(content), terms),
      JSON.stringify({ title, content, terms }),
    );
  }
  const matches = termMatcher(['cafe', 'ete']);
  assert.deepEqual(matches('Été', 'Le CAFÉ, déjà'), { at: 3 });
  assert.deepEqual(matches('Été 😀', 'Le CAFÉ, déjà'), { at: 3 });
  assert.equal(matches('Hiver', 'Le CAFÉ'), undefined);
  assert.equal(termMatcher(['σ', '😀', '\ud800'])('Σ', 'Σ😀'), undefined);
});
