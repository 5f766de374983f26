import { GraphQLSchemaHost } from '@nestjs/graphql';
import { GraphQLInputObjectType, getNamedType, isNonNullType } from 'graphql';
import request from 'supertest';
import { FUZZ_MUTATIONS } from '../fuzz/mutations';
import { FUZZ_ROUTES } from '../fuzz/routes';
import { discoverRestRoutes } from '../security/support/discover';
import { World, createWorld } from '../security/support/world';

// Issue 12: a body missing several required fields lists a field error for each, on every command
// (REST problem+json errors[], GraphQL extensions.errors), never only the first one found.

interface OpenApiSchema {
  $ref?: string;
  required?: string[];
  properties?: Record<string, OpenApiSchema>;
  allOf?: OpenApiSchema[];
}
interface OpenApiDoc {
  paths: Record<
    string,
    Record<string, { requestBody?: { content: Record<string, { schema: OpenApiSchema }> } }>
  >;
  components: { schemas: Record<string, OpenApiSchema> };
}

const fieldsOf = (errors: Array<{ field: string }> | undefined) => (errors ?? []).map((e) => e.field);

describe('every missing required field is reported at once (e2e)', () => {
  let w: World;

  beforeAll(async () => {
    w = await createWorld();
  }, 60_000);
  afterAll(async () => w?.close());

  it('REST: an empty body lists each required field of the documented request body', async () => {
    const doc = (await request(w.t.server).get('/openapi.json')).body as OpenApiDoc;
    const resolve = (s: OpenApiSchema): OpenApiSchema =>
      s.$ref ? resolve(doc.components.schemas[s.$ref.split('/').pop()!]) : s;
    const roleOf = new Map(FUZZ_ROUTES.map((r) => [r.route, r.as]));
    const routes = (await discoverRestRoutes(w.t)).filter((r) => r.startsWith('POST '));
    const checked: string[] = [];
    const wrong: string[] = [];
    for (const route of routes) {
      const template = route.slice('POST '.length);
      const op = doc.paths[template.replace(/:(\w+)/g, '{$1}')]?.post;
      const schema = op?.requestBody?.content['application/json']?.schema;
      const required = schema ? (resolve(schema).required ?? []) : [];
      if (required.length < 2) continue;
      // Existing objects for the path (a fresh one each, so nothing else is in the way).
      const path = await pathFor(w, template);
      const res = await w.rest(roleOf.get(route) ?? 'admin', 'POST', path, {});
      checked.push(route);
      const fields = fieldsOf(res.body.errors);
      const missing = required.filter((f) => !fields.includes(f));
      if (res.status !== 400 || res.body.code !== 'validation_failed' || missing.length)
        wrong.push(
          `${route} → ${res.status} lacks ${missing.join(', ')}: ${JSON.stringify(res.body.errors)}`,
        );
    }
    expect(checked).toEqual(
      expect.arrayContaining(['POST /v1/tickets', 'POST /v1/refunds', 'POST /v1/disputes']),
    );
    expect(wrong).toEqual([]);
  }, 120_000);

  it('REST: missing subject and customer on POST /v1/tickets are both named', async () => {
    const res = await w.rest('partnerX', 'POST', '/v1/tickets', { description: 'd', category: 'other' });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body.errors)).toEqual(expect.arrayContaining(['subject', 'customer']));
  });

  it('GraphQL: an empty input lists each required field, with field paths in extensions.errors', async () => {
    const schema = w.t.app.get(GraphQLSchemaHost).schema;
    const fields = schema.getMutationType()!.getFields();
    const wrong: string[] = [];
    const checked: string[] = [];
    for (const row of FUZZ_MUTATIONS) {
      const field = fields[row.operation.slice('Mutation.'.length)];
      const input = field?.args.find((a) => a.name === 'input');
      const type = input && getNamedType(input.type);
      if (!(type instanceof GraphQLInputObjectType) || !row.query.includes('$i:')) continue;
      const required = Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type) && f.defaultValue === undefined)
        .map((f) => f.name);
      if (required.length < 2) continue;
      checked.push(row.operation);
      const r = await w.gql(row.as, row.query, { i: {} });
      const named = (r.errors ?? []).flatMap((e) =>
        fieldsOf((e.extensions as { errors?: Array<{ field: string }> } | undefined)?.errors),
      );
      const codes = new Set((r.errors ?? []).map((e) => e.extensions?.code));
      const missing = required.filter((f) => !named.includes(f));
      if (missing.length || codes.size !== 1 || !codes.has('BAD_USER_INPUT'))
        wrong.push(`${row.operation} lacks ${missing.join(', ')}: ${JSON.stringify(r.errors).slice(0, 300)}`);
    }
    expect(checked).toEqual(expect.arrayContaining(['Mutation.createTicket', 'Mutation.replyToTicket']));
    expect(wrong).toEqual([]);
  }, 120_000);

  it('GraphQL: a nested input missing its required fields names them by path', async () => {
    const r = await w.gql('agent', 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }', {
      i: { description: 'd', category: 'OTHER', transaction: { amount: 1 } },
    });
    const named = (r.errors ?? []).flatMap((e) =>
      fieldsOf((e.extensions as { errors?: Array<{ field: string }> } | undefined)?.errors),
    );
    expect(named).toEqual(expect.arrayContaining(['subject', 'transaction.id', 'transaction.currency']));
    expect(new Set((r.errors ?? []).map((e) => e.extensions?.code))).toEqual(new Set(['BAD_USER_INPUT']));
  });
});

/** A path of the template with objects that exist (the body is what is under test). */
async function pathFor(w: World, template: string): Promise<string> {
  const ids: Record<string, () => Promise<string>> = {
    '/v1/tickets': () => w.freshTicket(),
    '/v1/disputes': () => w.freshDispute(),
    '/v1/refunds': () => w.freshRefund(),
    '/v1/account-recovery': () => w.freshRecovery(),
    '/v1/webhooks': () => w.freshWebhook(),
  };
  let out = template;
  for (const [prefix, make] of Object.entries(ids))
    if (out.startsWith(`${prefix}/:id`)) out = out.replace(':id', await make());
  return out;
}
