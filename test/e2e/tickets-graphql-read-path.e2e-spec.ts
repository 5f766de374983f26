import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiKeyService } from '@kefu/platform';
import { ApiTestApp, startApiApp } from './support/api-app';

type Json = request.Response['body'];
interface Gql {
  data?: Json;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

// The tickets page reads only the columns of the fields asked for (ticket-selection.ts) and opens
// only the customer fields asked for. Whatever is asked, each ticket of the page must equal the
// same ticket read in full by `ticket(id)` (every column, every customer field opened).
const ALL_FIELDS = `id number subject description category priority status channel language
  customer { id name email phone } transaction { id amount currency occurredAt merchantId } tags tier
  escalationLevel assignee { id name tier } sla { policyId firstResponse { dueAt status metAt breachedAt }
  nextResponse { dueAt status metAt breachedAt } resolution { dueAt status metAt breachedAt } }
  createdAt updatedAt version segments vip`;

const SELECTIONS: Record<string, string> = {
  'the benchmark page': `id number subject status priority assignee { id name } customer { id name }
    sla { firstResponse { status dueAt } resolution { status dueAt } }`,
  'every field': ALL_FIELDS,
  'ids only': 'id',
  'fragments, aliases and __typename': `__typename ...T ... on Ticket { who: customer { phone } }`,
  'customer e-mail only': 'customer { email }',
  'messages, resolved from the id': 'id subject messages(first: 1) { edges { node { body } } }',
};
const FRAGMENT = `fragment T on Ticket { id version when: updatedAt transaction { amount } tags }`;

/** The fields of `full` that `part` has, recursively (part is a sub-selection of the same ticket). */
function pick(full: Json, part: Json): Json {
  if (part === null || typeof part !== 'object' || Array.isArray(part)) return full;
  return Object.fromEntries(
    Object.keys(part).map((k) => [k, pick((full as Record<string, Json>)[k], part[k])]),
  );
}

describe('the GraphQL tickets page reads only what it is asked for (e2e)', () => {
  let t: ApiTestApp;
  let ds: DataSource;
  let key: string;
  const admin = () => t.bearer({ sub: 'admin-1', role: 'admin' });
  const agent = () => t.bearer({ sub: 'agent-rp', role: 'agent', name: 'Rita' });
  const gql = async (query: string, variables: object = {}, authz = agent()): Promise<Gql> =>
    (await request(t.server).post('/graphql').set('Authorization', authz).send({ query, variables }))
      .body as Gql;
  const ok = (r: Gql): Json => {
    expect(r.errors).toBeUndefined();
    return r.data;
  };
  const ids: string[] = [];

  beforeAll(async () => {
    t = await startApiApp();
    ds = t.app.get(DataSource);
    key = (await t.app.get(ApiKeyService).create('phone', 'call-centre')).secret;
    ok(
      await gql(
        `mutation { registerAgent(input: { id: "agent-rp", name: "Rita", tier: L1, languages: ["en"] }) { id } }`,
        {},
        admin(),
      ),
    );
    for (let i = 0; i < 4; i++) {
      const r = await request(t.server)
        .post('/v1/tickets')
        .set('X-Api-Key', key)
        .send({
          subject: `Read path ${i}`,
          description: `Ticket ${i} of the read-path test`,
          category: i % 2 ? 'refund' : 'payment_failed',
          priority: i % 2 ? 'high' : 'normal',
          customer: {
            id: `acc-rp-${i}`,
            name: `Customer ${i}`,
            ...(i !== 1 ? { email: `c${i}@example.com` } : {}),
            ...(i === 2 ? { phone: '+86 138 0000 0002' } : {}),
          },
          ...(i % 2
            ? { transaction: { id: `tx-rp-${i}`, amount: 1050 + i, currency: 'EUR', merchantId: 'm-1' } }
            : {}),
          tags: i === 3 ? ['vip', 'refund'] : [],
        });
      expect(r.status).toBe(201);
      ids.push((r.body as Json).id as string);
    }
    ok(
      await gql(`mutation($id: ID!) { assignTicket(input: { ticketId: $id, agentId: "agent-rp" }) { id } }`, {
        id: ids[1],
      }),
    );
    ok(
      await gql(`mutation($id: ID!) { replyToTicket(input: { ticketId: $id, body: "Looking" }) { id } }`, {
        id: ids[2],
      }),
    );
  });
  afterAll(() => t?.close());

  it.each(Object.entries(SELECTIONS))('%s: every ticket equals its full read', async (_name, selection) => {
    const page = ok(
      await gql(
        `query { tickets(first: 10, orderBy: { field: CREATED_AT, direction: ASC }) {
           edges { cursor node { ${selection} } } pageInfo { hasNextPage endCursor } } }
         ${selection.includes('...T') ? FRAGMENT : ''}`,
      ),
    ).tickets as { edges: Array<{ cursor: string; node: Json }> };
    // This test's database holds these four tickets only, oldest first.
    expect(page.edges).toHaveLength(ids.length);
    const full = ok(
      await gql(
        `query { ${ids.map((id, i) => `t${i}: ticket(id: "${id}") { ${selection} }`).join(' ')} }
         ${selection.includes('...T') ? FRAGMENT : ''}`,
      ),
    );
    const all = ok(
      await gql(`query { ${ids.map((id, i) => `t${i}: ticket(id: "${id}") { ${ALL_FIELDS} }`).join(' ')} }`),
    );
    for (let i = 0; i < ids.length; i++) {
      const onPage = page.edges[i].node;
      expect(onPage).toEqual(full[`t${i}`]);
      // The same values the complete read has for those fields (aliases aside).
      const plain = Object.fromEntries(Object.entries(onPage).filter(([k]) => k in all[`t${i}`]));
      expect(plain).toEqual(pick(all[`t${i}`], plain));
    }
  });

  it('opens only the customer fields asked for, and the customer data is what was stored', async () => {
    const page = ok(
      await gql(`{ tickets(first: 10, orderBy: { field: CREATED_AT, direction: ASC }) {
        edges { node { id customer { id name } } } } }`),
    ).tickets.edges as Array<{ node: Json }>;
    expect(page.slice(0, 3).map((e) => e.node.customer)).toEqual([
      { id: 'acc-rp-0', name: 'Customer 0' },
      { id: 'acc-rp-1', name: 'Customer 1' },
      { id: 'acc-rp-2', name: 'Customer 2' },
    ]);
  });

  it('pages the same way with cursors, and an erased customer reads [erased] on the page', async () => {
    const q = (after?: string) =>
      gql(
        `query($after: String) { tickets(first: 2, after: $after, orderBy: { field: PRIORITY, direction: DESC }) {
           edges { cursor node { id customer { name } } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
    const first = ok(await q()).tickets;
    const second = ok(await q(first.pageInfo.endCursor as string)).tickets;
    const seen = [...first.edges, ...second.edges].map((e: Json) => e.node.id as string);
    expect(new Set(seen).size).toBe(4);
    expect(seen.sort()).toEqual([...ids].sort());

    ok(await gql(`mutation { forgetCustomer(customerId: "acc-rp-3") }`, {}, admin()));
    const after = ok(
      await gql(
        `{ tickets(first: 10, filter: { customerId: "acc-rp-3" }) { edges { node { customer { id name email } } } } }`,
      ),
    ).tickets.edges as Array<{ node: Json }>;
    expect(after.map((e) => e.node.customer)).toEqual([
      { id: 'acc-rp-3', name: '[erased]', email: '[erased]' },
    ]);
    const stored = (await ds.query(`SELECT customer FROM ticket_view WHERE id = $1`, [ids[3]])) as Json[];
    expect(JSON.stringify(stored)).not.toContain('Customer 3');
  });
});
