import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@kefu/migrations';
import { AppConfig, typeOrmOptions } from '@kefu/platform';
import {
  HelpCentreService,
  seedHelpCentre,
  STARTER_ARTICLES,
  starterArticleId,
  STARTER_TOPICS,
} from '@kefu/help-centre';
import { AnswerEngine, trainingDocuments } from '@kefu/self-service';
import { classify, suggestCategory, trainCategoryModel } from '@kefu/self-service/domain';
import { Category } from '@kefu/kernel';
import { Evaluation, evaluate, pct, scoresTable } from './answers-eval';
import { LABELLED_QUESTIONS, OTHER_LANGUAGE_QUESTIONS } from './data/answers-labelled';

export interface AnswersBenchReport {
  postgresVersion: string;
  evaluation: Evaluation;
  otherLanguages: { right: number; total: number; wrong: string[] };
  /** Leave-one-out category accuracy on the training phrases, for the settings that were compared. */
  crossValidation: Array<{ setting: string; accuracy: number }>;
  latencyMs: { p50: number; p99: number; mean: number };
}

/**
 * Self-service answers on the labelled set (bench/data/answers-labelled.ts), through the real engine
 * over a freshly migrated and seeded database: top-3/top-1 article, category and language accuracy
 * per language; language detection of other languages; suggestion latency; and the leave-one-out
 * cross-validation on the training phrases that chose the classifier's settings (never the
 * evaluation set).
 */
export async function runAnswersBench(opts: {
  config: AppConfig;
  log: (l: string) => void;
}): Promise<AnswersBenchReport> {
  const server = new URL(opts.config.databaseUrl);
  const database = `kefu_bench_${Date.now()}`;
  const adminUrl = new URL(server);
  adminUrl.pathname = '/postgres';
  const dbUrl = new URL(server);
  dbUrl.pathname = `/${database}`;
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  const postgresVersion = ((await admin.query('SHOW server_version')).rows[0] as { server_version: string })
    .server_version;
  await admin.query(`CREATE DATABASE ${database}`);
  let ds: DataSource | undefined;
  try {
    ds = new DataSource(
      typeOrmOptions(opts.config.with({ databaseUrl: dbUrl.toString() }), { migrations: MIGRATIONS }),
    );
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await seedHelpCentre(new HelpCentreService(ds));
    const engine = new AnswerEngine(ds);
    await engine.suggest({ question: 'warm-up' });
    const topicOf = new Map(
      STARTER_TOPICS.flatMap((t) => [
        [starterArticleId(t.slug, 'en'), t.slug],
        [starterArticleId(t.slug, 'zh-CN'), t.slug],
      ]),
    );
    const times: number[] = [];
    const evaluation = await evaluate(LABELLED_QUESTIONS, async (q) => {
      const started = process.hrtime.bigint();
      const s = await engine.suggest({ question: q.question });
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      return {
        language: s.language,
        category: s.category,
        articles: s.articles.map((a) => ({ topic: topicOf.get(a.article.id), language: a.article.language })),
      };
    });
    const wrong: string[] = [];
    for (const q of OTHER_LANGUAGE_QUESTIONS) {
      const s = await engine.suggest({ question: q.question });
      if (s.language.split('-')[0] !== q.language) wrong.push(`${q.language} → ${s.language}: ${q.question}`);
    }
    times.sort((a, b) => a - b);
    opts.log(`answers: ${LABELLED_QUESTIONS.length} questions evaluated`);
    return {
      postgresVersion,
      evaluation,
      otherLanguages: {
        right: OTHER_LANGUAGE_QUESTIONS.length - wrong.length,
        total: OTHER_LANGUAGE_QUESTIONS.length,
        wrong,
      },
      crossValidation: crossValidate(),
      latencyMs: {
        p50: times[Math.floor(times.length / 2)],
        p99: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))],
        mean: times.reduce((a, b) => a + b, 0) / times.length,
      },
    };
  } finally {
    await ds?.destroy();
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.end();
  }
}

/** Leave-one-out over the training phrases: with or without the articles, and the `other` floor. */
function crossValidate(): Array<{ setting: string; accuracy: number }> {
  const articles = STARTER_ARTICLES.map((a) => ({ ...a, id: a.id!, category: a.category as Category }));
  const all = trainingDocuments(articles);
  const phrases = all.slice(0, all.length - articles.length);
  const out: Array<{ setting: string; accuracy: number }> = [];
  for (const withArticles of [false, true])
    for (const floor of [0, 0.15, 0.35]) {
      let right = 0;
      phrases.forEach((d, i) => {
        const rest = phrases.filter((_, j) => j !== i);
        const model = trainCategoryModel(withArticles ? [...rest, ...all.slice(phrases.length)] : rest);
        if (suggestCategory(classify(model, d.text), floor).category === d.category) right++;
      });
      out.push({
        setting: `${withArticles ? 'phrases + articles' : 'phrases only'}, \`other\` below ${floor}`,
        accuracy: right / phrases.length,
      });
    }
  return out;
}

export function answersMarkdown(
  r: AnswersBenchReport,
  meta: { started: Date; environment: string[] },
): string {
  const e = r.evaluation;
  const confusion = [...e.confusion]
    .flatMap(([want, row]) =>
      [...row].filter(([got]) => got !== want).map(([got, n]) => `${want} → ${got} (${n})`),
    )
    .sort();
  return [
    '# Self-service answers: accuracy on the labelled set',
    '',
    `Run ${meta.started.toISOString()} with \`BENCH_ONLY=answers npm run bench\` (bench/answers.bench.ts): the real`,
    'engine (libs/self-service: script check + tinyld for the language, naive Bayes for the category, BM25 blended',
    'with the category belief for the articles) over a freshly migrated database seeded with the starter help',
    `centre (${STARTER_ARTICLES.length} articles, ${STARTER_TOPICS.length} topics in en and zh-CN), asked the ${LABELLED_QUESTIONS.length}`,
    'labelled questions of bench/data/answers-labelled.ts (written for Kefu, separately from the training phrases).',
    '',
    ...meta.environment,
    '',
    scoresTable(e),
    '',
    '**top-3 article**: an article of a correct topic, in the question’s language, among the (at most 3) shown.',
    '**category**: the suggested category is the labelled one. **language**: zh-CN for Chinese questions, en for English.',
    '',
    `Other languages (no articles in them; answered from the English articles): ${r.otherLanguages.right} of ${r.otherLanguages.total} named right.`,
    ...r.otherLanguages.wrong.map((w) => `- ${w}`),
    '',
    `Suggestion latency (engine only, warm index, one at a time): p50 ${r.latencyMs.p50.toFixed(2)} ms, p99 ${r.latencyMs.p99.toFixed(2)} ms, mean ${r.latencyMs.mean.toFixed(2)} ms.`,
    '',
    '## How the classifier settings were chosen (training phrases only)',
    '',
    'Leave-one-out category accuracy over the shipped training phrases; the shipped setting is phrases + articles,',
    '`other` below 0.15. The evaluation set played no part in the choice.',
    '',
    '| setting | accuracy |',
    '|---|---:|',
    ...r.crossValidation.map((c) => `| ${c.setting} | ${pct(c.accuracy, 1)} |`),
    '',
    '## Where it went wrong',
    '',
    `Category confusions (labelled → suggested): ${confusion.join('; ') || 'none'}.`,
    '',
    '| question | expected | got | missed |',
    '|---|---|---|---|',
    ...e.misses.map(
      (m) =>
        `| ${m.q.question.replace(/\|/g, '\\|')} | ${m.q.category}: ${m.q.articles.join(', ')} | ${m.got.category}: ${m.got.articles.map((a) => a.topic ?? '?').join(', ') || '(none)'} | ${m.why.join(', ')} |`,
    ),
    '',
  ].join('\n');
}
