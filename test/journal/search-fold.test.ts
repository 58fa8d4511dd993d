import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fold } from '../../src/journal/entries/search.ts';

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

test('fold gives what folding by the book gives, on random texts', () => {
  // A small seeded generator, so a failure can be replayed.
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pools = [TABLED, OTHERS, [...TABLED, ...OTHERS], chars(0x41, 0x5a)];
  for (let i = 0; i < 20_000; i++) {
    const pool = pools[i % pools.length] ?? TABLED;
    const length = Math.floor(random() * 24);
    let text = '';
    for (let j = 0; j < length; j++) text += pool[Math.floor(random() * pool.length)];
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
