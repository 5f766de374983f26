// One question in, a suggestion out: language, category, priority and the best articles. Pure: the
// model, the article index and the Latin-script detector are inputs, so the bench, the tests and the
// service all run exactly this.
import { Category, Priority } from '@kefu/kernel';
import { CategoryModel, CategoryScore, classify, suggestCategory } from './classifier';
import { DEFAULT_LANGUAGE, DetectedLanguage, LatinDetector, detectLanguage } from './language';
import { PriorityReason, suggestPriority } from './priority';
import { ArticleIndex, RankedArticle, rankArticles } from './ranking';

export const MAX_SUGGESTED_ARTICLES = 3;
/** An article scoring less than this is not shown (0.7·text + 0.3·category, each 0–1). */
export const MIN_ARTICLE_SCORE = 0.2;

export interface Suggestion {
  /** The language answered in: the caller's, or the detected one. */
  language: string;
  detected: DetectedLanguage;
  category: Category;
  categoryConfidence: number;
  /** The runners-up, for agents (best first, the suggestion included). */
  categories: CategoryScore[];
  priority: Priority;
  priorityReason: PriorityReason;
  articles: RankedArticle[];
}

export interface SuggestInput {
  question: string;
  /** A language the caller stated (BCP 47); otherwise the detected one is used. */
  language?: string;
}

export function suggest(
  input: SuggestInput,
  deps: { model: CategoryModel; index: ArticleIndex; detector: LatinDetector },
): Suggestion {
  const detected = detectLanguage(input.question, deps.detector);
  const language = input.language ?? detected.language;
  const categories = classify(deps.model, input.question);
  const { category, confidence } = suggestCategory(categories);
  const probability = new Map(categories.map((c) => [c.category, c.probability]));
  const { priority, reason } = suggestPriority(category, input.question);
  const articles = rankArticles(deps.index, input.question, {
    language,
    fallbackLanguage: DEFAULT_LANGUAGE,
    categoryProbability: (c) => probability.get(c) ?? 0,
    limit: MAX_SUGGESTED_ARTICLES,
    minScore: MIN_ARTICLE_SCORE,
  });
  return {
    language,
    detected,
    category,
    categoryConfidence: confidence,
    categories: categories.slice(0, 3),
    priority,
    priorityReason: reason,
    articles,
  };
}
