// Search terms for help articles in any script (ADR 0005). Postgres's parser has no Chinese
// segmentation: a run of Han characters would become one "word". So CJK runs are cut here into
// unigrams and overlapping bigrams (the classic CJK n-gram approach, as Lucene's CJKAnalyzer), and
// the rest of the text goes to Postgres's English configuration (stemming: "refunds" finds "refund").

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_RUNS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;

export function isCjk(ch: string): boolean {
  return CJK.test(ch);
}

/** The text without its CJK runs (for the English configuration), and the runs. */
export function splitScripts(text: string): { latin: string; cjkRuns: string[] } {
  const runs = text.match(CJK_RUNS) ?? [];
  return { latin: text.replace(CJK_RUNS, ' ').replace(/\s+/g, ' ').trim(), cjkRuns: runs };
}

/** What an article is indexed under: every CJK character and every adjacent pair. */
export function cjkIndexTerms(text: string): string[] {
  const out = new Set<string>();
  for (const run of splitScripts(text).cjkRuns) {
    const chars = [...run];
    chars.forEach((c, i) => {
      out.add(c);
      if (i + 1 < chars.length) out.add(c + chars[i + 1]);
    });
  }
  return [...out];
}

/**
 * What a query must match: the bigrams of each CJK run (all of them, so 退款到账 needs 退款, 款到
 * and 到账 together), or the character itself for a one-character run.
 */
export function cjkQueryTerms(query: string): string[] {
  const out = new Set<string>();
  for (const run of splitScripts(query).cjkRuns) {
    const chars = [...run];
    if (chars.length === 1) out.add(chars[0]);
    for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1]);
  }
  return [...out];
}

/**
 * A tsquery literal ANDing the terms ('' when none), or ORing them for the relaxed second try
 * (Chinese queries typed without spaces span several words). Terms are CJK characters only.
 */
export function cjkTsquery(terms: readonly string[], mode: 'all' | 'any' = 'all'): string {
  return terms.map((t) => `'${t.replace(/['\\]/g, '')}'`).join(mode === 'all' ? ' & ' : ' | ');
}
