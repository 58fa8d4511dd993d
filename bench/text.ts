/**
 * Deterministic journal-like text for seeding and for write bodies: sentences
 * drawn from a small vocabulary (some accented words, so search folding does
 * real work), about 2 KiB per entry.
 */

/** A small seeded PRNG (mulberry32): the same seed gives the same journal. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'morning coffee walk river light quiet work meeting email project deadline ' +
  'friend family dinner garden rain sun wind book page music song run bike ' +
  'tired calm anxious hopeful grateful proud restless focused scattered ' +
  'today yesterday tomorrow week plan list idea note thought feeling energy ' +
  'sleep dream early late slow fast small big long short warm cold bright ' +
  'café été naïve über crème brûlée jalapeño façade déjà vu résumé ' +
  'kitchen window street train station office desk screen phone letter ' +
  'learned noticed decided wondered remembered forgot started finished ' +
  'because although while after before during maybe really almost always ' +
  'the a an and but or so then with without about into over under between'
).split(' ');

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function sentence(random: () => number): string {
  const length = 6 + Math.floor(random() * 12);
  const words: string[] = [];
  for (let i = 0; i < length; i++) words.push(pick(random, WORDS));
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** Prose of about `chars` characters (never more), in paragraphs. */
export function prose(random: () => number, chars: number): string {
  let text = '';
  let inParagraph = 0;
  for (;;) {
    const next = sentence(random);
    const separator = text === '' ? '' : inParagraph >= 4 ? '\n\n' : ' ';
    if (text.length + separator.length + next.length > chars) return text;
    text += separator + next;
    inParagraph = separator === '\n\n' ? 1 : inParagraph + 1;
  }
}

/** A short title of a few words. */
export function title(random: () => number): string {
  const length = 2 + Math.floor(random() * 4);
  const words: string[] = [];
  for (let i = 0; i < length; i++) words.push(pick(random, WORDS));
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/** Entry content: 1,700 to 1,900 characters, so most sealed payloads fill the 2 KiB bucket. */
export function entryContent(random: () => number): string {
  return prose(random, 1700 + Math.floor(random() * 200));
}
