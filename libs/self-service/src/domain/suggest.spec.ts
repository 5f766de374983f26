import { classify, suggestCategory, trainCategoryModel } from './classifier';
import { LatinDetector, detectLanguage } from './language';
import { suggestPriority } from './priority';
import { buildArticleIndex, rankArticles } from './ranking';
import { suggest } from './suggest';
import { cjkTerms, latinTerms, stem } from './text';

/** A detector that always answers the same, to see what the script check decides alone. */
const always =
  (language: string | undefined): LatinDetector =>
  () =>
    language;

describe('terms', () => {
  it('stems English words and drops stop words', () => {
    expect(['locked', 'locking', 'locks', 'refunded', 'stopped', 'charges', 'charge'].map(stem)).toEqual([
      'lock',
      'lock',
      'lock',
      'refund',
      'stop',
      'charg',
      'charg',
    ]);
    expect(latinTerms('Why is MY account locked?? 2 times')).toEqual(['account', 'lock', 'time']);
  });
  it('cuts Chinese into bigrams and meaningful characters; full-width forms fold', () => {
    expect(cjkTerms('退款的钱')).toEqual(['退', '退款', '款', '款的', '的钱', '钱']);
    expect(latinTerms('ＡＰＰ闪退')).toEqual(['app']);
  });
});

describe('detectLanguage', () => {
  it('lets the script decide Chinese, Japanese and Korean, whatever the detector thinks', () => {
    const wrong = always('fr');
    expect(detectLanguage('退款还没到账', wrong)).toEqual({
      language: 'zh-CN',
      source: 'script',
      confidence: 1,
    });
    expect(detectLanguage('我的 PayPal 付款失败', wrong).language).toBe('zh-CN');
    expect(detectLanguage('How do I say 退款 in English?', always('en')).language).toBe('en');
    expect(detectLanguage('支払いができません', wrong).language).toBe('ja');
    expect(detectLanguage('결제가 실패했어요', wrong).language).toBe('ko');
  });
  it('asks the detector about Latin text of three words or more, else takes English', () => {
    expect(detectLanguage('Mi pago fue rechazado', always('es'))).toEqual({
      language: 'es',
      source: 'detector',
      confidence: 1,
    });
    // Two words are too few for any detector; a detector that declines means English too.
    expect(detectLanguage('cant pay', always('fr'))).toEqual({
      language: 'en',
      source: 'default',
      confidence: 0,
    });
    expect(detectLanguage('my payment failed', always(undefined)).source).toBe('default');
    expect(detectLanguage('???', always('fr')).source).toBe('default');
  });
});

const model = trainCategoryModel([
  { category: 'refund_not_received', text: 'refund not received 退款没到账' },
  { category: 'refund_not_received', text: 'where is my refund' },
  { category: 'card_unbinding', text: 'cannot unbind my bank card 银行卡解绑' },
  { category: 'account_locked', text: 'account locked wrong password 账户锁定' },
]);

describe('classify', () => {
  it('ranks categories by probability, summing to 1', () => {
    const scores = classify(model, 'my refund has not arrived');
    expect(scores[0].category).toBe('refund_not_received');
    expect(scores.reduce((s, x) => s + x.probability, 0)).toBeCloseTo(1, 6);
    expect(suggestCategory(classify(model, '银行卡解绑不了')).category).toBe('card_unbinding');
  });
  it('says `other` when it knows none of the words', () => {
    expect(suggestCategory(classify(model, 'zzzz qqqq'))).toEqual({ category: 'other', confidence: 1 / 16 });
  });
});

describe('suggestPriority', () => {
  it('follows the category, raised by takeover or fraud signals and (one step) by haste', () => {
    expect(suggestPriority('feature_question', 'How do I add a card?')).toEqual({
      priority: 'low',
      reason: 'category',
    });
    expect(suggestPriority('account_stolen', 'stolen')).toEqual({
      priority: 'urgent',
      reason: 'takeover_or_fraud',
    });
    expect(suggestPriority('abnormal_charge', 'I did not make this payment')).toEqual({
      priority: 'urgent',
      reason: 'takeover_or_fraud',
    });
    expect(suggestPriority('payment_failed', '有人盗刷了我的卡').priority).toBe('urgent');
    expect(suggestPriority('payment_failed', 'urgent: payment failed')).toEqual({
      priority: 'high',
      reason: 'haste',
    });
    expect(suggestPriority('account_locked', '急！账户锁了').priority).toBe('high');
  });
});

const articles = [
  {
    id: 'a',
    title: 'My account is locked',
    body: 'Wait 30 minutes. Or contact us.',
    category: 'account_locked' as const,
    language: 'en',
  },
  {
    id: 'b',
    title: 'Refund not arrived',
    body: 'Refunds take 3 days. Bank cards take longer.',
    category: 'refund_not_received' as const,
    language: 'en',
  },
  {
    id: 'c',
    title: '退款还没到账',
    body: '退款1个工作日内到账。银行卡需要3到7个工作日。',
    category: 'refund_not_received' as const,
    language: 'zh-CN',
  },
];
const index = buildArticleIndex(articles);

describe('rankArticles', () => {
  const opts = { fallbackLanguage: 'en', categoryProbability: () => 0, limit: 3, minScore: 0.1 };
  it('finds articles in the question’s language, with a score and the best sentence as snippet', () => {
    const r = rankArticles(index, 'my bank card refund is late', { ...opts, language: 'en' });
    expect(r.map((x) => x.article.id)).toEqual(['b']);
    expect(r[0].snippet).toBe('Bank cards take longer.');
    expect(r[0].score).toBeGreaterThan(0.1);
    expect(r[0].score).toBeLessThanOrEqual(1);
    expect(rankArticles(index, '退款到银行卡', { ...opts, language: 'zh-CN' })[0].article.id).toBe('c');
  });
  it('answers a language without articles from the fallback language, and nothing below minScore', () => {
    expect(rankArticles(index, 'account locked', { ...opts, language: 'es' })[0].article.id).toBe('a');
    expect(rankArticles(index, 'weather forecast', { ...opts, language: 'en' })).toEqual([]);
  });
  it('lets the category belief lift an article the words barely reach', () => {
    const belief = {
      ...opts,
      language: 'en',
      categoryProbability: (c: string) => (c === 'account_locked' ? 1 : 0),
    };
    expect(rankArticles(index, 'how long until I can log in again', belief)[0].article.id).toBe('a');
  });
});

describe('suggest', () => {
  it('puts it together; a stated language wins over the detected one', () => {
    const s = suggest({ question: '退款没到账', language: 'en' }, { model, index, detector: always('en') });
    expect(s).toMatchObject({
      language: 'en',
      detected: { language: 'zh-CN', source: 'script' },
      category: 'refund_not_received',
      priority: 'normal',
    });
  });
});
