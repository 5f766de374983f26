// Terms of a question or an article, shared by the category classifier and the article ranking.
// English words are lower-cased, stop words dropped and suffixes stripped by a light stemmer
// ("locking", "locked" → "lock"); runs of CJK characters become overlapping bigrams plus single
// characters (as the help-centre search does, ADR 0005), since Chinese has no spaces between words.

const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

// Words that say nothing about what a wallet question is about.
const STOP_WORDS = new Set(
  (
    'a an the and or but if of to in on at by for from with about into over after before again is are was ' +
    'were be been being am do does did done have has had having i me my mine we us our you your it its ' +
    'this that these those there here what which who whom whose when where why how can could would should ' +
    'will shall may might must not no nor so than too very just also any all some each other such only own ' +
    'same then once up down out off s t ll ve re d m hi hello please thanks thank help want need get got ' +
    'im ive dont cant didnt doesnt isnt wont one two now still yet as he she they them their his her'
  ).split(' '),
);

// Characters too common in Chinese questions to mean anything on their own (they still form bigrams).
const CJK_STOP_CHARS = new Set([...'的了吗呢吧啊呀我你您他她它是在有和就都也还要会能么什怎个这那请问']);

/** Full-width forms to ASCII, compatibility characters folded (NFKC), lower case. */
export function normalise(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** A light English stemmer: enough to meet "refunds/refunded/refunding" on "refund". */
export function stem(word: string): string {
  let w = word;
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ied')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  else if (w.length > 5 && w.endsWith('ly')) w = w.slice(0, -2);
  // stopp(ed) → stop, but not "pass" or "sell"
  if (w.length > 3 && /([^aeiouls])\1$/.test(w)) w = w.slice(0, -1);
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/** English (or any Latin-script) terms: stemmed words without stop words, in order. */
export function latinTerms(text: string): string[] {
  const out: string[] = [];
  for (const m of normalise(text).replace(CJK_RUN, ' ').matchAll(WORD)) {
    const w = m[0].replace(/^\d+$/, '#');
    if (w === '#' || STOP_WORDS.has(w) || w.length < 2) continue;
    out.push(stem(w));
  }
  return out;
}

/** CJK terms: every bigram of each run, plus the characters that are not stop characters. */
export function cjkTerms(text: string): string[] {
  const out: string[] = [];
  for (const m of normalise(text).matchAll(CJK_RUN)) {
    const chars = [...m[0]];
    chars.forEach((c, i) => {
      if (!CJK_STOP_CHARS.has(c)) out.push(c);
      if (i + 1 < chars.length) out.push(c + chars[i + 1]);
    });
  }
  return out;
}

/** Every term of a text, with repetitions (term frequencies matter to both users). */
export function terms(text: string): string[] {
  return [...latinTerms(text), ...cjkTerms(text)];
}

/** How many times each term occurs. */
export function termCounts(list: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const t of list) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}
