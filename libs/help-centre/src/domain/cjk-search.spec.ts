import { cjkIndexTerms, cjkQueryTerms, cjkTsquery, splitScripts } from './cjk-search';

describe('CJK search terms', () => {
  it('splits CJK runs from the rest of the text', () => {
    expect(splitScripts('退款 refund 到账了吗?')).toEqual({
      latin: 'refund ?',
      cjkRuns: ['退款', '到账了吗'],
    });
  });

  it('indexes every character and every adjacent pair', () => {
    expect(cjkIndexTerms('退款到账')).toEqual(['退', '退款', '款', '款到', '到', '到账', '账']);
  });

  it('queries a word by its bigrams, and a single character by itself', () => {
    expect(cjkQueryTerms('退款到账')).toEqual(['退款', '款到', '到账']);
    expect(cjkQueryTerms('卡')).toEqual(['卡']);
    expect(cjkQueryTerms('how to unbind')).toEqual([]);
  });

  it('every query term of a word is among the index terms of a text containing it', () => {
    const index = new Set(cjkIndexTerms('银行卡解绑失败怎么办'));
    for (const t of cjkQueryTerms('解绑')) expect(index.has(t)).toBe(true);
    expect(cjkQueryTerms('冻结').every((t) => index.has(t))).toBe(false);
  });

  it('builds a tsquery literal', () => {
    expect(cjkTsquery(['退款', '到账'])).toBe("'退款' & '到账'");
    expect(cjkTsquery(['退款', '到账'], 'any')).toBe("'退款' | '到账'");
    expect(cjkTsquery([])).toBe('');
  });
});
