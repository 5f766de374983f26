import { MAX_BODY_DEPTH, findUnpairedSurrogate, inspectBody } from './body-parsers';

describe('findUnpairedSurrogate', () => {
  it('finds lone high or low surrogates in values and keys, at any depth', () => {
    expect(findUnpairedSurrogate({ a: 'ok', b: ['x', { c: 'bad\uD800' }] })).toBe('bad\uD800');
    expect(findUnpairedSurrogate({ ['\uDC00k']: 1 })).toBe('\uDC00k');
    expect(findUnpairedSurrogate(['\uDFFF\uD800'])).toBe('\uDFFF\uD800');
    expect(findUnpairedSurrogate({ a: 'nul\u0000' })).toBe('nul\u0000');
  });

  it('accepts well-formed text, emoji (surrogate pairs) included, and non-strings', () => {
    expect(findUnpairedSurrogate({ a: '付款 🙂 𝔘', n: 1, z: null, t: true })).toBeUndefined();
    expect(findUnpairedSurrogate(undefined)).toBeUndefined();
  });
});

describe('inspectBody', () => {
  const nested = (n: number): unknown => (n === 0 ? 'x' : { a: nested(n - 1) });
  it(`refuses nesting beyond ${MAX_BODY_DEPTH} levels, iteratively (no stack overflow at 100k)`, () => {
    expect(inspectBody(nested(MAX_BODY_DEPTH))).toBeUndefined();
    expect(inspectBody(nested(MAX_BODY_DEPTH + 1))).toEqual({ kind: 'depth' });
    let deep: unknown = 'x';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(inspectBody(deep)).toEqual({ kind: 'depth' });
  });
});
