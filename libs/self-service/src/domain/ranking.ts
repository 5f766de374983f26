// Which help articles answer a question: Okapi BM25 over the terms of text.ts (title terms count
// twice), squashed to 0–1, blended with the classifier's belief in each article's category. The
// blend lets "how long until I can log in again" find the locked-account article through its
// category when the words barely overlap, and keeps a word shared by chance from winning alone.
import { Category } from '@kefu/kernel';
import { primaryLanguage } from './language';
import { termCounts, terms } from './text';

export interface ArticleDoc {
  id: string;
  title: string;
  body: string;
  category: Category;
  language: string;
}

interface IndexedDoc {
  article: ArticleDoc;
  tf: Map<string, number>;
  length: number;
}

interface LanguageIndex {
  docs: IndexedDoc[];
  df: Map<string, number>;
  averageLength: number;
}

/** Articles indexed per primary language (`zh` holds zh-CN and zh-TW alike). */
export type ArticleIndex = ReadonlyMap<string, LanguageIndex>;

export interface RankedArticle {
  article: ArticleDoc;
  /** 0–1: what clients show as relevance. */
  score: number;
  /** The body sentence that matches the question best (or the first one). */
  snippet: string;
}

export interface RankOptions {
  /** BCP 47; articles of its primary language, or of `fallbackLanguage` when there are none. */
  language: string;
  fallbackLanguage: string;
  categoryProbability: (c: Category) => number;
  limit: number;
  minScore: number;
}

const K1 = 1.2;
const B = 0.75;
/** BM25 of SATURATION scores 0.5 as text relevance: about two rare words in common. */
const SATURATION = 3;
const TEXT_WEIGHT = 0.7;
const SNIPPET_MAX_CHARS = 160;

export function buildArticleIndex(articles: readonly ArticleDoc[]): ArticleIndex {
  const byLanguage = new Map<string, IndexedDoc[]>();
  for (const article of articles) {
    const list = [...terms(article.title), ...terms(article.title), ...terms(article.body)];
    const key = primaryLanguage(article.language);
    const docs = byLanguage.get(key) ?? [];
    docs.push({ article, tf: termCounts(list), length: list.length });
    byLanguage.set(key, docs);
  }
  const index = new Map<string, LanguageIndex>();
  for (const [language, docs] of byLanguage) {
    const df = new Map<string, number>();
    for (const d of docs) for (const t of d.tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
    const averageLength = docs.reduce((s, d) => s + d.length, 0) / docs.length;
    // Stable order (by id) so equal scores rank the same way on every replica.
    docs.sort((a, b) => (a.article.id < b.article.id ? -1 : a.article.id > b.article.id ? 1 : 0));
    index.set(language, { docs, df, averageLength });
  }
  return index;
}

/** The best articles for a question, at most `limit`, none under `minScore`. */
export function rankArticles(index: ArticleIndex, question: string, opts: RankOptions): RankedArticle[] {
  const lang = index.get(primaryLanguage(opts.language)) ?? index.get(primaryLanguage(opts.fallbackLanguage));
  if (!lang) return [];
  const query = [...new Set(terms(question))];
  const n = lang.docs.length;
  const idf = new Map(
    query.map((t) => {
      const df = lang.df.get(t) ?? 0;
      return [t, Math.log(1 + (n - df + 0.5) / (df + 0.5))];
    }),
  );
  return lang.docs
    .map((d) => {
      let bm25 = 0;
      for (const t of query) {
        const f = d.tf.get(t);
        if (!f) continue;
        bm25 += (idf.get(t)! * f * (K1 + 1)) / (f + K1 * (1 - B + (B * d.length) / lang.averageLength));
      }
      const text = bm25 / (bm25 + SATURATION);
      const score = TEXT_WEIGHT * text + (1 - TEXT_WEIGHT) * opts.categoryProbability(d.article.category);
      return { d, score };
    })
    .filter((r) => r.score >= opts.minScore)
    .sort((a, b) => b.score - a.score)
    .slice(0, opts.limit)
    .map(({ d, score }) => ({
      article: d.article,
      score: Math.round(score * 1000) / 1000,
      snippet: snippetOf(d.article.body, query, idf),
    }));
}

/** The sentence with the most (idf-weighted) question terms, shortened to SNIPPET_MAX_CHARS. */
export function snippetOf(body: string, query: readonly string[], idf: ReadonlyMap<string, number>): string {
  const sentences = body
    .split(/(?<=[.!?。！？；;])\s*/u)
    .map((s) => s.trim())
    .filter(Boolean);
  let best = sentences[0] ?? body;
  let bestScore = 0;
  for (const s of sentences) {
    const present = new Set(terms(s));
    const score = query.reduce((sum, t) => sum + (present.has(t) ? (idf.get(t) ?? 0) : 0), 0);
    if (score > bestScore) [best, bestScore] = [s, score];
  }
  const chars = [...best];
  return chars.length <= SNIPPET_MAX_CHARS ? best : `${chars.slice(0, SNIPPET_MAX_CHARS - 1).join('')}…`;
}
