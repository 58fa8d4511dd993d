/**
 * Word matching for entry search, done on decrypted text in the app: both the
 * query and the text are folded (NFD, lower case, combining marks removed), so
 * "Cafe" finds "café" and "ÉTÉ" finds "été". An entry matches when every word
 * of the query occurs in its title or content.
 */

const MARKS = /\p{M}/gu;
const SPACE = /\s+/u;
const NON_ASCII = /[\u0080-\uffff]/;
/** The combining diacritics that NFD splits off Latin, Greek and Cyrillic letters. */
const COMMON_MARKS = /[\u0300-\u036f]/g;
/** Anything past Latin, IPA and spacing modifiers: other scripts may carry other marks. */
const BEYOND_LATIN = /[\u0300-\uffff]/;

/** The fold by the book (see {@link fold}), with a shortcut for Latin-only results. */
function normaliseAndFold(text: string): string {
  const latin = text.normalize('NFD').toLowerCase().replace(COMMON_MARKS, '');
  if (!BEYOND_LATIN.test(latin)) return latin;
  return latin.normalize('NFD').replace(MARKS, '').replace(/ς/g, 'σ');
}

/**
 * Latin letters, IPA and spacing modifiers (up to U+02FF) and general
 * punctuation (U+2000-U+206F: curly quotes, dashes, "…") hold no combining
 * mark and no sigma, and each folds to exactly one character of its own: a
 * text made only of them and ASCII folds one character at a time. So it is
 * folded as its lower case with each of them that folds to something else
 * replaced by its fold ("É" → "e"), which this table holds, made with the
 * fold by the book.
 */
const TABLED: string[] = [];
for (const [first, last] of [
  [0x80, 0x2ff],
  [0x2000, 0x206f],
] as const) {
  for (let code = first; code <= last; code++) TABLED.push(String.fromCharCode(code));
}
const CHAR_FOLDS = new Map(
  TABLED.map((char) => [char, normaliseAndFold(char)] as const).filter(
    ([char, folded]) => folded !== char,
  ),
);
const FOLDS_BY_CHAR = new RegExp(`[${[...CHAR_FOLDS.keys()].join('')}]`, 'g');
const BEYOND_CHAR_FOLDS = /[\u0300-\u1fff\u2070-\uffff]/;

/**
 * Case- and accent-insensitive form of a text: NFD, lower case, combining
 * marks removed. Final sigma is the only context-dependent lower-case mapping,
 * so it is folded to σ, which keeps folding a text and folding its prefixes
 * consistent. ASCII and Latin texts take shortcuts that give the same result
 * several times faster (search folds every entry it decrypts); the tests
 * check them against the original.
 */
export function fold(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  if (BEYOND_CHAR_FOLDS.test(text)) return normaliseAndFold(text);
  return text.replace(FOLDS_BY_CHAR, (char) => CHAR_FOLDS.get(char) ?? char).toLowerCase();
}

/** The folded words of a query (empty when it has none). */
export function queryTerms(query: string): string[] {
  return [
    ...new Set(
      fold(query)
        .split(SPACE)
        .filter((t) => t.length > 0),
    ),
  ];
}

/** An entry's match (undefined when it has none): see {@link matchEntry}. */
export type Match = { at: number | undefined } | undefined;

/**
 * Whether every term occurs in the folded title or content. On a match,
 * `at` is where the first term found in the content starts (undefined when
 * all of them are only in the title).
 */
export function matchEntry(
  foldedTitle: string,
  foldedContent: string,
  terms: readonly string[],
): Match {
  let at: number | undefined;
  for (const term of terms) {
    const index = foldedContent.indexOf(term);
    if (index >= 0) at = at === undefined ? index : Math.min(at, index);
    else if (!foldedTitle.includes(term)) return undefined;
  }
  return { at };
}

/**
 * For each character that ASCII and the table's characters fold to, those
 * that fold to it: "e" ← "eEèéêëÈÉÊË…". Each folds to exactly one character,
 * so a text made only of them is as long as its folded copy, and a match
 * starts at the same index in both.
 */
const FOLDED_FROM = new Map<string, string>();
for (const char of [...Array.from({ length: 0x80 }, (_, i) => String.fromCharCode(i)), ...TABLED]) {
  const folded = fold(char);
  FOLDED_FROM.set(folded, (FOLDED_FROM.get(folded) ?? '') + char);
}

const escaped = (chars: string) =>
  [...chars].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

/**
 * {@link matchEntry} for unfolded titles and contents: the same answer, but a
 * Latin text is searched as it is, for each term a pattern of the characters
 * that fold to its own ("cafe" as `[cC…][aAàá…][fF][eEèé…]`), without
 * building its folded copy. Other texts are folded.
 */
export function termMatcher(terms: readonly string[]): (title: string, content: string) => Match {
  const patterns = terms.map(
    (term) => new RegExp([...term].map((c) => `[${escaped(FOLDED_FROM.get(c) ?? '')}]`).join('')),
  );
  return (title, content) => {
    if (BEYOND_CHAR_FOLDS.test(title) || BEYOND_CHAR_FOLDS.test(content)) {
      return matchEntry(fold(title), fold(content), terms);
    }
    let at: number | undefined;
    for (const pattern of patterns) {
      const index = content.search(pattern);
      if (index >= 0) at = at === undefined ? index : Math.min(at, index);
      else if (!pattern.test(title)) return undefined;
    }
    return { at };
  };
}

/**
 * The index in `text` whose prefix folds to at least `foldedIndex` characters:
 * where a match found in the folded text starts in the original. Folded
 * length grows with the prefix, so a binary search finds it with a few native
 * `fold` calls instead of one per character.
 */
function originalIndex(text: string, foldedIndex: number): number {
  let low = 0;
  let high = text.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (fold(text.slice(0, middle)).length >= foldedIndex) high = middle;
    else low = middle + 1;
  }
  return low;
}

const BEFORE = 60;
const AFTER = 100;

/** Moves a cut off the second half of a surrogate pair. */
function safeCut(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff ? index + 1 : index;
}

/**
 * A short excerpt of `text` around the first match, found by its position in
 * the folded text (or the beginning when `foldedIndex` is undefined), on one
 * line, with "…" where it was cut.
 */
export function snippet(text: string, foldedIndex: number | undefined): string {
  const at = foldedIndex === undefined ? 0 : originalIndex(text, foldedIndex);
  const start = safeCut(text, Math.max(0, at - BEFORE));
  const end = safeCut(text, Math.min(text.length, at + AFTER));
  const body = text.slice(start, end).replace(/\s+/gu, ' ').trim();
  return `${start > 0 ? '…' : ''}${body}${end < text.length ? '…' : ''}`;
}
