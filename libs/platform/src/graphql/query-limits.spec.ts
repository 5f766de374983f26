import { GraphQLError, buildSchema, parse, specifiedRules, validate } from 'graphql';
import { depthLimitRule, operationDepths, queryComplexity } from './query-limits';

const schema = buildSchema(`
  type Item { id: ID! children(first: Int = 20): [Item!]! }
  type ItemEdge { node: Item! }
  type ItemConnection { edges: [ItemEdge!]! }
  type Query { items(first: Int = 20): [Item!]! page(first: Int = 20): ItemConnection! one: Item }
`);

describe('depth limit', () => {
  it('measures depth through fragments and skips introspection', () => {
    const doc = parse(`
      query Q { items { ...F } __schema { types { fields { type { ofType { ofType { name } } } } } } }
      fragment F on Item { children { children { id } } }
    `);
    expect(operationDepths(doc)).toEqual([{ name: 'Q', depth: 4 }]);
  });

  it('reports operations deeper than the limit', () => {
    const errors = validate(schema, parse('{ items { children { children { id } } } }'), [
      ...specifiedRules,
      depthLimitRule(3),
    ]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(GraphQLError);
    expect(errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(validate(schema, parse('{ items { children { id } } }'), [depthLimitRule(3)])).toHaveLength(0);
  });
});

describe('complexity', () => {
  const cost = (q: string, variables?: Record<string, unknown>) =>
    queryComplexity(schema, parse(q), variables, undefined);

  it('multiplies list and connection fields by first (default 20)', () => {
    expect(cost('{ one { id } }')).toBe(2);
    expect(cost('{ items(first: 10) { id } }')).toBe(11);
    expect(cost('{ items { id } }')).toBe(21);
    expect(cost('query($n: Int) { items(first: $n) { children(first: 5) { id } } }', { n: 3 })).toBe(
      1 + 3 * (1 + 5 * 1),
    );
    expect(cost('{ page(first: 50) { edges { node { id } } } }')).toBe(1 + 50 * 3);
  });
});
