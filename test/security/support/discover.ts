import { GraphQLSchemaHost } from '@nestjs/graphql';
import { GraphQLObjectType } from 'graphql';
import request from 'supertest';
import { ApiTestApp } from '../../e2e/support/api-app';

/** Routes served by tooling, not by Kefu's controllers (the OpenAPI UI and documents). */
const TOOLING = [/^GET \/docs(\/|$)/, /^GET \/openapi\.(json|yaml)$/, /\{\*splat\}/];

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/**
 * Every REST route the app serves, as "METHOD /path/:param": the Nest (Express) router's routes
 * plus the OpenAPI document's paths, so a route hidden from the document is found all the same.
 */
export async function discoverRestRoutes(t: ApiTestApp): Promise<string[]> {
  const found = new Set<string>();
  const instance = t.app.getHttpAdapter().getInstance() as {
    router?: { stack: RouterLayer[] };
    _router?: { stack: RouterLayer[] };
  };
  for (const layer of (instance.router ?? instance._router)?.stack ?? []) {
    if (!layer.route) continue;
    for (const [m, on] of Object.entries(layer.route.methods)) {
      if (on && m !== '_all') found.add(`${m.toUpperCase()} ${layer.route.path}`);
    }
  }
  const doc = (await request(t.server).get('/openapi.json')).body as {
    paths: Record<string, Record<string, unknown>>;
  };
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const m of Object.keys(ops)) found.add(`${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
  }
  return [...found].filter((r) => !TOOLING.some((re) => re.test(r))).sort();
}

/** Every root field of the served schema, as "Query.x", "Mutation.y", "Subscription.z". */
export function discoverGraphqlOperations(t: ApiTestApp): string[] {
  const schema = t.app.get(GraphQLSchemaHost).schema;
  const roots: Array<[string, GraphQLObjectType | null | undefined]> = [
    ['Query', schema.getQueryType()],
    ['Mutation', schema.getMutationType()],
    ['Subscription', schema.getSubscriptionType()],
  ];
  return roots
    .flatMap(([kind, type]) => Object.keys(type?.getFields() ?? {}).map((f) => `${kind}.${f}`))
    .sort();
}

/** What `actual` has that `table` lacks, and table entries that no longer exist. */
export function coverage(actual: string[], table: string[]): { missing: string[]; stale: string[] } {
  const t = new Set(table);
  const a = new Set(actual);
  return { missing: actual.filter((x) => !t.has(x)), stale: [...t].filter((x) => !a.has(x)) };
}
