// Scores self-service answers against the labelled set (bench/data/answers-labelled.ts): top-3 article
// accuracy (a correct topic among the articles shown, in the question's language), top-1 accuracy,
// category accuracy, language accuracy, per language. Used by `BENCH_ONLY=answers npm run bench` and
// by the accuracy floor test, so both measure the same thing.
import { LabelledQuestion } from './data/answers-labelled';

export interface AnswerOutcome {
  /** BCP 47 as the service answered (zh-CN, en…). */
  language: string;
  category: string;
  /** Topic slugs of the articles shown, best first, and their languages. */
  articles: Array<{ topic: string | undefined; language: string }>;
}

export interface Scores {
  questions: number;
  top3: number;
  top1: number;
  category: number;
  language: number;
  /** Share of questions that were shown at least one article. */
  answered: number;
}

export interface Evaluation {
  overall: Scores;
  byLanguage: Record<string, Scores>;
  misses: Array<{ q: LabelledQuestion; got: AnswerOutcome; why: string[] }>;
  /** expected category → suggested category → count, for the confusion table. */
  confusion: Map<string, Map<string, number>>;
}

const wantLanguage = (l: LabelledQuestion['language']) => (l === 'zh' ? 'zh' : 'en');
const primary = (tag: string) => tag.split('-')[0].toLowerCase();

export async function evaluate(
  questions: readonly LabelledQuestion[],
  run: (q: LabelledQuestion) => Promise<AnswerOutcome>,
): Promise<Evaluation> {
  const tallies = new Map<string, Scores>();
  const tally = (key: string) => {
    const t = tallies.get(key) ?? { questions: 0, top3: 0, top1: 0, category: 0, language: 0, answered: 0 };
    tallies.set(key, t);
    return t;
  };
  const misses: Evaluation['misses'] = [];
  const confusion = new Map<string, Map<string, number>>();
  for (const q of questions) {
    const got = await run(q);
    const want = wantLanguage(q.language);
    const right = (a: AnswerOutcome['articles'][number]) =>
      a.topic !== undefined && q.articles.includes(a.topic) && primary(a.language) === want;
    const hit = {
      top3: got.articles.slice(0, 3).some(right),
      top1: got.articles.length > 0 && right(got.articles[0]),
      category: got.category === q.category,
      language: primary(got.language) === want,
      answered: got.articles.length > 0,
    };
    for (const t of [tally('all'), tally(q.language)]) {
      t.questions++;
      for (const k of ['top3', 'top1', 'category', 'language', 'answered'] as const) if (hit[k]) t[k]++;
    }
    const row = confusion.get(q.category) ?? new Map<string, number>();
    row.set(got.category, (row.get(got.category) ?? 0) + 1);
    confusion.set(q.category, row);
    const why = (['top3', 'category', 'language'] as const).filter((k) => !hit[k]);
    if (why.length) misses.push({ q, got, why });
  }
  const { all, ...byLanguage } = Object.fromEntries(tallies) as Record<string, Scores>;
  return { overall: all, byLanguage, misses, confusion };
}

export const pct = (n: number, of: number): string => (of ? `${((100 * n) / of).toFixed(1)} %` : '–');

export function scoresTable(e: Evaluation): string {
  const rows = [
    '| set | questions | top-3 article | top-1 article | category | language | shown ≥ 1 article |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  const line = (name: string, s: Scores) =>
    `| ${name} | ${s.questions} | ${pct(s.top3, s.questions)} | ${pct(s.top1, s.questions)} | ` +
    `${pct(s.category, s.questions)} | ${pct(s.language, s.questions)} | ${pct(s.answered, s.questions)} |`;
  for (const [name, s] of Object.entries(e.byLanguage)) rows.push(line(name, s));
  rows.push(line('**all**', e.overall));
  return rows.join('\n');
}
