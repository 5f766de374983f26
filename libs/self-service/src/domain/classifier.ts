// The category suggestion: a multinomial naive Bayes over the terms of text.ts, trained on labelled
// text (the shipped training phrases, plus the help articles, whose category is known). Transparent
// (every score is a sum of per-term log probabilities), deterministic, and trained in milliseconds,
// so it is trained in process from what ships: no model file, nothing fetched.
import { CATEGORIES, Category } from '@kefu/kernel';
import { terms } from './text';

export interface LabelledText {
  category: Category;
  text: string;
  /** How much this document counts (article bodies are long: they count less per term). */
  weight?: number;
}

export interface CategoryModel {
  readonly vocabulary: ReadonlySet<string>;
  /** log P(term | category), with add-alpha smoothing; unknown terms are ignored. */
  readonly logLikelihood: ReadonlyMap<Category, ReadonlyMap<string, number>>;
  readonly logUnseen: ReadonlyMap<Category, number>;
}

export interface CategoryScore {
  category: Category;
  /** P(category | text) under the model; the scores of one text sum to 1. */
  probability: number;
}

const ALPHA = 0.5;

/** Trains the model. Classes are equally likely a priori: the training mix is not the traffic mix. */
export function trainCategoryModel(docs: readonly LabelledText[]): CategoryModel {
  const counts = new Map<Category, Map<string, number>>(CATEGORIES.map((c) => [c, new Map()]));
  const totals = new Map<Category, number>(CATEGORIES.map((c) => [c, 0]));
  const vocabulary = new Set<string>();
  for (const d of docs) {
    const w = d.weight ?? 1;
    const byTerm = counts.get(d.category)!;
    for (const t of terms(d.text)) {
      vocabulary.add(t);
      byTerm.set(t, (byTerm.get(t) ?? 0) + w);
      totals.set(d.category, totals.get(d.category)! + w);
    }
  }
  const v = vocabulary.size || 1;
  const logLikelihood = new Map<Category, Map<string, number>>();
  const logUnseen = new Map<Category, number>();
  for (const c of CATEGORIES) {
    const denominator = totals.get(c)! + ALPHA * v;
    const m = new Map<string, number>();
    for (const [t, n] of counts.get(c)!) m.set(t, Math.log((n + ALPHA) / denominator));
    logLikelihood.set(c, m);
    logUnseen.set(c, Math.log(ALPHA / denominator));
  }
  return { vocabulary, logLikelihood, logUnseen };
}

/**
 * Every category with its probability, most likely first. A text with no known term gets the
 * uniform distribution (and so `other`'s turn comes from the tie-break below, never a guess).
 */
export function classify(model: CategoryModel, text: string): CategoryScore[] {
  const known = terms(text).filter((t) => model.vocabulary.has(t));
  const logs = CATEGORIES.map((c) => {
    const ll = model.logLikelihood.get(c)!;
    const unseen = model.logUnseen.get(c)!;
    return known.reduce((sum, t) => sum + (ll.get(t) ?? unseen), 0);
  });
  const max = Math.max(...logs);
  const exp = logs.map((l) => Math.exp(l - max));
  const total = exp.reduce((a, b) => a + b, 0);
  return CATEGORIES.map((category, i) => ({ category, probability: exp[i] / total })).sort(
    (a, b) =>
      b.probability - a.probability ||
      // Ties (nothing known): `other` first, then the contract's order.
      Number(b.category === 'other') - Number(a.category === 'other') ||
      CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category),
  );
}

/** The suggestion: the best category, or `other` when the model is unsure. */
export function suggestCategory(
  scores: readonly CategoryScore[],
  minConfidence = 0.15,
): { category: Category; confidence: number } {
  const best = scores[0];
  if (!best || best.probability < minConfidence)
    return { category: 'other', confidence: best?.probability ?? 0 };
  return { category: best.category, confidence: best.probability };
}
