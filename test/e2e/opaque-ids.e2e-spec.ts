import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  GraphQLField,
  GraphQLInputObjectType,
  GraphQLNamedType,
  getNamedType,
  isCompositeType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { FUZZ_MUTATIONS } from '../fuzz/mutations';
import { FUZZ_ROUTES } from '../fuzz/routes';
import { discoverGraphqlOperations, discoverRestRoutes } from '../security/support/discover';
import { RoleName, World, createWorld } from '../security/support/world';

// Issue 12: ids are opaque strings (API.md). An unknown id of any shape names nothing: 404
// not_found / NOT_FOUND (null for a nullable query field), never 400 validation_failed, never 500.
// Every route and operation that takes an id is enumerated from the router and the served schema,
// so a new one is covered without touching this file.

/** Unknown ids of every shape: words, a UUID nobody issued, a long one, control characters. */
const UNKNOWN_IDS = [
  'does-not-exist',
  'nope',
  '00000000-0000-4000-8000-000000000000',
  'x'.repeat(3000),
  '%00%01%1f',
  'a%0d%0ab',
];

// Upserts take an id the client chooses (an unknown one creates); customer ids are the partner's own
// account numbers, not Kefu's objects (forgetCustomer erases whatever is there; an account without
// segments has none).
const NOT_REFERENCES =
  /^(Mutation\.(upsert\w+|registerAgent|forgetCustomer|createApiKey|setCustomerSegments)|Query\.customerSegments)$/;

/**
 * A valid body for each POST route with an id in its path: the id is what is wrong, nothing else (a
 * bad body and an unknown id may be either error). A new route fails below until it has one here.
 */
const BODIES: Record<string, unknown> = {
  'POST /v1/tickets/:id/messages': { body: 'Any news?' },
  'POST /v1/tickets/:id/escalation-requests': { reason: 'Nobody answers' },
  'POST /v1/webhooks/:id/enable': {},
  'POST /v1/webhooks/:id/deliveries/:deliveryId/redeliver': {},
  'POST /v1/disputes/:id/evidence': { party: 'merchant', kind: 'statement', description: 'd' },
  'POST /v1/refunds/:id/payout-result': { status: 'failed', reference: 'po', failureReason: 'x' },
  'POST /v1/surveys/:token/responses': { score: 5, comment: 'c' },
  'POST /v1/account-recovery/:id/verification': {
    fullName: 'Li Wei',
    documentType: 'passport',
    documentNumber: 'E12345678',
  },
  'POST /v1/answers/:id/resolution': { articleId: 'a' },
  'POST /v1/answers/:id/handover': { category: 'refund', comment: 'c', customer: { id: 'cust-a' } },
};

describe('unknown ids of any shape are not found (e2e)', () => {
  let w: World;

  beforeAll(async () => {
    w = await createWorld();
  }, 60_000);
  afterAll(async () => w?.close());

  it('every REST route with a path parameter answers 404 not_found', async () => {
    const routes = (await discoverRestRoutes(w.t)).filter((r) => r.includes('/:'));
    expect(routes).toEqual(
      expect.arrayContaining(['GET /v1/tickets/:id', 'POST /v1/refunds/:id/payout-result']),
    );
    const roleOf = new Map(FUZZ_ROUTES.map((r) => [r.route, r.as]));
    const wrong: string[] = [];
    for (const route of routes) {
      const [method, template] = route.split(' ');
      for (const id of UNKNOWN_IDS) {
        const role: RoleName = roleOf.get(route) ?? 'admin';
        const path = template.replace(/:\w+/g, id);
        const body = method === 'GET' || method === 'DELETE' ? undefined : (BODIES[route] ?? {});
        const res = await w.rest(role, method, path, body);
        if (res.status !== 404 || (res.body as { code?: string }).code !== 'not_found')
          wrong.push(
            `${route} id=${id.slice(0, 20)} → ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`,
          );
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('every GraphQL query taking an id answers null (nullable) or NOT_FOUND', async () => {
    const schema = w.t.app.get(GraphQLSchemaHost).schema;
    const queryType = schema.getQueryType()!;
    const withId = Object.values(queryType.getFields()).filter(
      (f) =>
        !NOT_REFERENCES.test(`Query.${f.name}`) &&
        f.args.some((a) => isNonNullType(a.type) && getNamedType(a.type).name === 'ID'),
    );
    expect(withId.map((f) => f.name)).toEqual(expect.arrayContaining(['ticket', 'refund', 'dispute']));
    const wrong: string[] = [];
    for (const f of withId) {
      for (const id of UNKNOWN_IDS) {
        const args = f.args
          .filter((a) => isNonNullType(a.type))
          .map((a) => `${a.name}: ${JSON.stringify(id)}`)
          .join(', ');
        const r = await w.gql('admin', `{ ${f.name}(${args})${selection(f)} }`);
        const data = (r.data as Record<string, unknown> | null | undefined)?.[f.name];
        const codes = (r.errors ?? []).map((e) => e.extensions?.code);
        const ok = isNonNullType(f.type)
          ? codes.length === 1 && codes[0] === 'NOT_FOUND'
          : codes.length === 0 && data === null;
        if (!ok) wrong.push(`Query.${f.name} id=${id.slice(0, 20)} → ${JSON.stringify(r).slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('every GraphQL mutation referring to an object by id answers NOT_FOUND for an unknown one', async () => {
    const schema = w.t.app.get(GraphQLSchemaHost).schema;
    const mutations = discoverGraphqlOperations(w.t).filter(
      (o) => o.startsWith('Mutation.') && !NOT_REFERENCES.test(o),
    );
    const rows = new Map(FUZZ_MUTATIONS.map((m) => [m.operation, m]));
    const cases: Array<{ op: string; field: string }> = [];
    for (const op of mutations) {
      const field = schema.getMutationType()!.getFields()[op.slice('Mutation.'.length)];
      const input = field.args.find((a) => a.name === 'input');
      const inputType = input && getNamedType(input.type);
      if (inputType instanceof GraphQLInputObjectType) {
        for (const f of Object.values(inputType.getFields()))
          if (getNamedType(f.type).name === 'ID') cases.push({ op, field: f.name });
      } else if (field.args.some((a) => getNamedType(a.type).name === 'ID')) {
        cases.push({ op, field: '' });
      }
    }
    expect(cases).toEqual(
      expect.arrayContaining([
        { op: 'Mutation.replyToTicket', field: 'ticketId' },
        { op: 'Mutation.approveRefund', field: 'refundId' },
      ]),
    );
    const wrong: string[] = [];
    for (const { op, field } of cases) {
      const row = rows.get(op);
      if (!row) {
        wrong.push(`${op}: no row in test/fuzz/mutations.ts`);
        continue;
      }
      for (const id of UNKNOWN_IDS) {
        const variables = field
          ? { i: { ...(row.valid?.(w) ?? {}), [field]: id } }
          : { [row.query.match(/\$(\w+): ID!/)?.[1] ?? 'id']: id };
        const r = await w.gql(row.as, row.query, variables);
        const codes = (r.errors ?? []).map((e) => e.extensions?.code);
        if (codes.length !== 1 || codes[0] !== 'NOT_FOUND')
          wrong.push(`${op} ${field}=${id.slice(0, 20)} → ${JSON.stringify(r).slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 180_000);
});

/** Enough of a selection set to be a valid query. */
function selection(f: GraphQLField<unknown, unknown>): string {
  const t: GraphQLNamedType = getNamedType(f.type);
  if (isScalarType(t)) return '';
  return isCompositeType(t) ? ' { __typename }' : '';
}
