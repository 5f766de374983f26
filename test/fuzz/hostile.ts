import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, ErrorCode, graphqlCodeOf } from '@kefu/platform';

/** Runs per property: FUZZ_RUNS=1000 for a long session; CI uses the small default. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 25);
/** FUZZ_SEED replays a failing run (fast-check prints the seed). */
export const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

const API_MD = join(__dirname, '../../../shared/design/API.md');

/** The problem codes API.md documents (every refusal must carry one of them). */
export function documentedCodes(): Set<ErrorCode> {
  const text = readFileSync(API_MD, 'utf8');
  const codes = new Set<ErrorCode>();
  for (const m of text.matchAll(/`([a-z_]+)`/g)) {
    if (m[1] in ERROR_CODES && m[1] !== 'internal_error') codes.add(m[1] as ErrorCode);
  }
  return codes;
}

/** GraphQL: the documented codes in GraphQL spelling, plus the parser's and validator's own. */
export function documentedGraphqlCodes(): Set<string> {
  const codes = new Set([...documentedCodes()].map(graphqlCodeOf));
  for (const c of [
    'GRAPHQL_PARSE_FAILED',
    'GRAPHQL_VALIDATION_FAILED',
    'BAD_USER_INPUT',
    'QUERY_TOO_COMPLEX',
  ])
    codes.add(c);
  return codes;
}

const nested = (depth: number): unknown => {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

/** Strings an attacker or a broken client sends. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uD800', // lone surrogate (invalid UTF-16)
    '\uDFFF\uD800',
    '\u202e\u0000\uFEFF',
    "'; DROP TABLE es_events; --",
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '%00%ff',
    '${jndi:ldap://x}',
    '{{7*7}}',
    'null',
    '__proto__',
    '-1',
    '1e309',
    'x'.repeat(70_000),
  ),
);

/** Any JSON value a hostile client may put where a field is expected. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1.5, 1e308),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 5 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 4 }),
  fc.constantFrom(
    nested(64),
    nested(2000),
    { __proto__: { admin: true } },
    { constructor: { prototype: {} } },
  ),
  fc.array(fc.constant('v'), { minLength: 5000, maxLength: 5000 }),
);

/**
 * A body: a valid one with a field replaced, dropped or added, or something else entirely
 * (a string, an array, deep JSON, a document over the 1 MiB limit).
 */
export function hostileBody(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  return fc.oneof(
    {
      weight: 5,
      arbitrary: fc.tuple(fc.constantFrom(...keys), hostileValue).map(([k, v]) => ({ ...valid, [k]: v })),
    },
    {
      weight: 2,
      arbitrary: fc
        .subarray(keys)
        .map((drop) => Object.fromEntries(Object.entries(valid).filter(([k]) => !drop.includes(k)))),
    },
    { weight: 2, arbitrary: fc.tuple(hostileString, hostileValue).map(([k, v]) => ({ ...valid, [k]: v })) },
    { weight: 1, arbitrary: hostileValue },
    { weight: 1, arbitrary: fc.constant({ ...valid, padding: 'p'.repeat(1_100_000) }) },
  );
}

/** Percent-encodes any string, lone surrogates included (as U+FFFD); encodeURIComponent throws on them. */
export function pct(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}

/** A path segment where an id goes. */
export const hostileId: fc.Arbitrary<string> = fc.oneof(
  fc.uuid(),
  hostileString.map((s) => pct(s.slice(0, 300))),
  fc.constantFrom(
    '%',
    '%ff%fe',
    '%c0%af',
    '%2e%2e',
    '..',
    'null',
    '0',
    'ffffffff-ffff-ffff-ffff-ffffffffffff',
    'a'.repeat(5000),
  ),
);

/** A query string of hostile parameters (known names, unknown ones, repeats). */
export function hostileQuery(names: string[]): fc.Arbitrary<string> {
  return fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...names, 'x', '__proto__', 'limit[]'), hostileString),
        hostileString,
      ),
      {
        maxLength: 4,
      },
    )
    .map((pairs) =>
      pairs.length
        ? `?${pairs.map(([k, v]) => `${pct(k.slice(0, 100))}=${pct(v.slice(0, 2000))}`).join('&')}`
        : '',
    );
}
