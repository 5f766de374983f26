import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Category } from '@kefu/kernel';
import { CategoryModel, LabelledText, trainCategoryModel } from '../domain/classifier';
import { LatinDetector } from '../domain/language';
import { ArticleDoc, ArticleIndex, buildArticleIndex } from '../domain/ranking';
import { Suggestion, SuggestInput, suggest } from '../domain/suggest';
import { TRAINING_PHRASES } from '../domain/training-phrases';

/**
 * tinyld (pure JS, CommonJS, no model download) for Latin-script text: on the labelled set it named
 * every English question right where franc named half of them Scots or French (docs/adr/0013). Its
 * `detect` answers '' when unsure. Loaded on first use: parsing its language profiles takes 0.2–1.4 s
 * here, which API start-up (and the worker, which never detects anything) should not pay.
 */
export async function loadTinyldDetector(): Promise<LatinDetector> {
  const { detect } = await import('tinyld');
  return (text) => detect(text) || undefined;
}

/** The classifier's documents: the shipped phrases, and every article under its category. */
export function trainingDocuments(articles: readonly ArticleDoc[]): LabelledText[] {
  return [
    ...TRAINING_PHRASES.flatMap((g) => [...g.en, ...g.zh].map((text) => ({ category: g.category, text }))),
    ...articles.map((a) => ({ category: a.category, text: `${a.title}\n${a.body}` })),
  ];
}

interface Built {
  fingerprint: string;
  model: CategoryModel;
  index: ArticleIndex;
}

/**
 * Suggestions from the help centre as it is now. The article index and the classifier are built in
 * process (milliseconds for hundreds of articles) and rebuilt when the articles change: every call
 * checks the help centre's fingerprint (count and last update), so replicas never serve stale ones.
 */
@Injectable()
export class AnswerEngine {
  private built?: Built;
  private building?: Promise<Built>;
  private detector?: Promise<LatinDetector>;

  constructor(private readonly ds: DataSource) {}

  async suggest(input: SuggestInput): Promise<Suggestion> {
    const { model, index } = await this.current();
    this.detector ??= loadTinyldDetector();
    return suggest(input, { model, index, detector: await this.detector });
  }

  private async current(): Promise<Built> {
    const [row] = (await this.ds.query(
      `SELECT count(*)::int AS n, coalesce(max(updated_at), 'epoch')::text AS at FROM help_articles`,
    )) as Array<{ n: number; at: string }>;
    const fingerprint = `${row.n}@${row.at}`;
    if (this.built?.fingerprint === fingerprint) return this.built;
    // One rebuild at a time per process; concurrent callers wait for it.
    this.building ??= this.build(fingerprint).finally(() => (this.building = undefined));
    return (this.built = await this.building);
  }

  private async build(fingerprint: string): Promise<Built> {
    const articles = (await this.ds.query(
      `SELECT id, title, body, category, language FROM help_articles ORDER BY id`,
    )) as Array<ArticleDoc & { category: Category }>;
    return {
      fingerprint,
      model: trainCategoryModel(trainingDocuments(articles)),
      index: buildArticleIndex(articles),
    };
  }
}
