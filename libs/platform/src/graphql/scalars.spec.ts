import { Kind, parseValue } from 'graphql';
import { DateTimeScalar, JSONScalar } from './scalars';

describe('DateTime', () => {
  it('serialises instants in UTC', () => {
    expect(DateTimeScalar.serialize(new Date('2025-01-31T14:00:00+02:00'))).toBe('2025-01-31T12:00:00.000Z');
  });

  it('parses ISO 8601 with a zone and refuses the rest', () => {
    expect(DateTimeScalar.parseValue('2025-01-31T12:00:00.5Z')).toEqual(new Date('2025-01-31T12:00:00.500Z'));
    expect(DateTimeScalar.parseValue('2025-01-31T12:00:00-05:00')).toEqual(new Date('2025-01-31T17:00:00Z'));
    for (const bad of [
      '2025-01-31',
      '2025-01-31T12:00:00',
      'yesterday',
      1738324800000,
      '2025-13-45T99:00:00Z',
    ]) {
      expect(() => DateTimeScalar.parseValue(bad)).toThrow();
    }
    expect(() => DateTimeScalar.parseLiteral({ kind: Kind.INT, value: '1' })).toThrow();
  });
});

describe('JSON', () => {
  it('passes values through and reads literals', () => {
    expect(JSONScalar.serialize({ a: [1, 'x', null] })).toEqual({ a: [1, 'x', null] });
    expect(
      JSONScalar.parseLiteral(parseValue('{ a: [1, 2.5, "x", true, null], b: { c: $v } }'), { v: 7 }),
    ).toEqual({
      a: [1, 2.5, 'x', true, null],
      b: { c: 7 },
    });
  });
});
