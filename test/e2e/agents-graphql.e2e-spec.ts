import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiKeyService, Principal } from '@kefu/platform';
import { TicketsService } from '@kefu/tickets';
import { ApiTestApp, startApiApp } from './support/api-app';

type Auth = [header: string, value: string];
/** Untyped JSON, as supertest hands response bodies over. */
type Json = request.Response['body'];
type Edge = { cursor: string; node: Json };
interface Gql {
  data?: Json;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}
const code = (r: Gql) => r.errors?.[0]?.extensions?.code;

const AGENT = `id name tier languages categories available maxOpenTickets openTickets`;
const REGISTER = `mutation($i: RegisterAgentInput!) { registerAgent(input: $i) { ${AGENT} } }`;
const AVAILABILITY = `mutation($i: SetAgentAvailabilityInput!) { setAgentAvailability(input: $i) { id available } }`;

describe('agents, API keys and access rules over GraphQL (e2e)', () => {
  let t: ApiTestApp;
  let ds: DataSource;
  const auth: Record<string, Auth> = {};
  const gql = async (
    a: Auth | undefined,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<Gql> => {
    const r = request(t.server).post('/graphql');
    if (a) void r.set(a[0], a[1]);
    return (await r.send({ query, variables })).body as Gql;
  };
  const eventCount = async () =>
    Number(((await ds.query(`SELECT count(*) AS c FROM es_events`)) as Array<{ c: string }>)[0].c);

  beforeAll(async () => {
    t = await startApiApp();
    ds = t.app.get(DataSource);
    const keys = t.app.get(ApiKeyService);
    Object.assign(auth, {
      admin: ['Authorization', t.bearer({ sub: 'admin-1', role: 'admin' })],
      supervisor: ['Authorization', t.bearer({ sub: 'sup-1', role: 'supervisor' })],
      agent: ['Authorization', t.bearer({ sub: 'agent-1', role: 'agent', name: 'Ann' })],
      senior: ['Authorization', t.bearer({ sub: 'senior-1', role: 'senior_agent' })],
      customer: ['Authorization', t.bearer({ sub: 'u-1', role: 'customer', customerId: 'cust-1' })],
      otherCustomer: ['Authorization', t.bearer({ sub: 'u-2', role: 'customer', customerId: 'cust-2' })],
      partner: ['X-Api-Key', (await keys.create('phone', 'call-centre')).secret],
      otherPartner: ['X-Api-Key', (await keys.create('chat', 'chat-vendor')).secret],
    });
  });
  afterAll(() => t?.close());

  describe('agents', () => {
    it('registerAgent: an admin registers anyone; re-registering updates what changed and keeps the rest', async () => {
      const r = await gql(auth.admin, REGISTER, {
        i: { id: 'agent-1', name: 'Ann', tier: 'L1', languages: ['EN', 'zh-cn'], categories: ['REFUND'] },
      });
      expect(r.data.registerAgent).toEqual({
        id: 'agent-1',
        name: 'Ann',
        tier: 'L1',
        languages: ['en', 'zh-CN'],
        categories: ['REFUND'],
        available: false,
        maxOpenTickets: 10,
        openTickets: 0,
      });
      const again = await gql(auth.admin, REGISTER, {
        i: { id: 'agent-1', name: 'Ann Lee', tier: 'L1', languages: ['en'], maxOpenTickets: 25 },
      });
      expect(again.data.registerAgent).toMatchObject({
        name: 'Ann Lee',
        languages: ['en'],
        categories: ['REFUND'],
        maxOpenTickets: 25,
      });
    });

    it('agents register themselves at their own tier only; the decider says who may', async () => {
      expect(
        (
          await gql(auth.senior, REGISTER, {
            i: { id: 'senior-1', name: 'Sam', tier: 'L2', languages: ['en'] },
          })
        ).data.registerAgent.tier,
      ).toBe('L2');
      expect(
        code(
          await gql(auth.agent, REGISTER, {
            i: { id: 'agent-1', name: 'Ann', tier: 'L3', languages: ['en'] },
          }),
        ),
      ).toBe('FORBIDDEN');
      expect(
        code(
          await gql(auth.agent, REGISTER, {
            i: { id: 'someone-else', name: 'X', tier: 'L1', languages: ['en'] },
          }),
        ),
      ).toBe('FORBIDDEN');
      expect(
        code(await gql(auth.admin, REGISTER, { i: { id: 'x', name: 'X', tier: 'L1', languages: [] } })),
      ).toBe('BAD_USER_INPUT');
      expect(
        code(await gql(auth.admin, REGISTER, { i: { id: 'x', name: 'X', tier: 'L9', languages: ['en'] } })),
      ).toBe('BAD_USER_INPUT');
    });

    it("setAgentAvailability defaults to the caller; others' only for supervisors and admins", async () => {
      expect(
        (await gql(auth.agent, AVAILABILITY, { i: { available: true } })).data.setAgentAvailability,
      ).toEqual({ id: 'agent-1', available: true });
      expect(
        code(await gql(auth.senior, AVAILABILITY, { i: { agentId: 'agent-1', available: false } })),
      ).toBe('FORBIDDEN');
      expect(
        (await gql(auth.supervisor, AVAILABILITY, { i: { agentId: 'senior-1', available: true } })).data
          .setAgentAvailability.available,
      ).toBe(true);
      expect(code(await gql(auth.admin, AVAILABILITY, { i: { agentId: 'nobody', available: true } }))).toBe(
        'NOT_FOUND',
      );
      expect(
        code(await gql(auth.partner, AVAILABILITY, { i: { agentId: 'agent-1', available: false } })),
      ).toBe('FORBIDDEN');
    });

    it('agents(tier, available) lists the directory for staff, with open ticket counts', async () => {
      await gql(auth.admin, REGISTER, { i: { id: 'agent-2', name: 'Bo', tier: 'L1', languages: ['en'] } });
      const tickets = t.app.get(TicketsService);
      const agentP: Principal = { kind: 'user', sub: 'agent-1', role: 'agent' };
      for (let i = 0; i < 3; i++) {
        const tk = await tickets.open(agentP, {
          subject: 's',
          description: 'd',
          category: 'other',
          customer: { id: 'c-9' },
        });
        await tickets.assign(agentP, tk.result.id, 'agent-1');
        if (i === 2) await tickets.setStatus(agentP, tk.result.id, { status: 'solved' });
      }
      const all = await gql(auth.agent, `{ agents { id tier available openTickets } }`);
      expect(all.data.agents).toEqual([
        { id: 'agent-1', tier: 'L1', available: true, openTickets: 2 },
        { id: 'agent-2', tier: 'L1', available: false, openTickets: 0 },
        { id: 'senior-1', tier: 'L2', available: true, openTickets: 0 },
      ]);
      expect((await gql(auth.admin, `{ agents(tier: L1, available: true) { id } }`)).data.agents).toEqual([
        { id: 'agent-1' },
      ]);
      expect((await gql(auth.admin, `{ agents(tier: L3) { id } }`)).data.agents).toEqual([]);
      expect(code(await gql(auth.customer, `{ agents { id } }`))).toBe('FORBIDDEN');
      expect(code(await gql(auth.partner, `{ agents { id } }`))).toBe('FORBIDDEN');
    });
  });

  describe('API keys (admins only)', () => {
    it('creates a key whose secret works once shown, lists it, revokes it', async () => {
      const created = await gql(
        auth.admin,
        `mutation { createApiKey(input: { channel: EMAIL, name: "mailer" }) { secret apiKey { id channel name revokedAt } } }`,
      );
      const { secret, apiKey } = created.data.createApiKey;
      expect(apiKey).toMatchObject({ channel: 'EMAIL', name: 'mailer', revokedAt: null });
      const list = await gql(auth.admin, `{ apiKeys { id channel name createdAt revokedAt } }`);
      expect(list.data.apiKeys.map((k: Json) => k.id)).toContain(apiKey.id);
      expect(JSON.stringify(list)).not.toContain(secret);
      expect((await gql(['X-Api-Key', secret], `{ tickets { totalCount } }`)).data.tickets.totalCount).toBe(
        0,
      );
      const revoked = await gql(auth.admin, `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`, {
        id: apiKey.id,
      });
      expect(revoked.data.revokeApiKey.revokedAt).toEqual(expect.any(String));
      expect(code(await gql(['X-Api-Key', secret], `{ tickets { totalCount } }`))).toBe('UNAUTHENTICATED');
      expect(code(await gql(auth.admin, `mutation { revokeApiKey(id: "nope") { id } }`))).toBe('NOT_FOUND');
      expect(
        code(
          await gql(auth.supervisor, `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, {
            id: apiKey.id,
          }),
        ),
      ).toBe('FORBIDDEN');
    });
  });

  it('node(id) finds tickets (for those who may see them), agents (staff) and API keys (admins)', async () => {
    const tk = await t.app
      .get(TicketsService)
      .open(
        { kind: 'user', sub: 'u-1', role: 'customer', customerId: 'cust-1' },
        { subject: 's', description: 'd', category: 'other' },
      );
    const q = `query($id: ID!) { node(id: $id) { __typename id ... on Ticket { number } ... on Agent { name } ... on ApiKey { channel } } }`;
    expect((await gql(auth.customer, q, { id: tk.result.id })).data.node).toMatchObject({
      __typename: 'Ticket',
      number: tk.result.number,
    });
    expect((await gql(auth.otherCustomer, q, { id: tk.result.id })).data.node).toBeNull();
    expect((await gql(auth.agent, q, { id: 'agent-2' })).data.node).toEqual({
      __typename: 'Agent',
      id: 'agent-2',
      name: 'Bo',
    });
    expect((await gql(auth.customer, q, { id: 'agent-2' })).data.node).toBeNull();
    const keyId = (await gql(auth.admin, `{ apiKeys { id } }`)).data.apiKeys[0].id;
    expect((await gql(auth.admin, q, { id: keyId })).data.node).toMatchObject({
      __typename: 'ApiKey',
      channel: 'PHONE',
    });
    expect((await gql(auth.agent, q, { id: keyId })).data.node).toBeNull();
  });

  describe('access matrix (role × operation)', () => {
    // The case every role is asked about: brought in by the partner, for customer cust-1.
    let caseId: string;
    beforeAll(async () => {
      const partner = await t.app.get(ApiKeyService).verify(auth.partner[1]);
      const tk = await t.app.get(TicketsService).open(partner!, {
        subject: 'Matrix case',
        description: 'd',
        category: 'refund',
        customer: { id: 'cust-1' },
      });
      caseId = tk.result.id;
      await gql(auth.admin, REGISTER, {
        i: { id: 'agent-1', name: 'Ann Lee', tier: 'L1', languages: ['en'] },
      });
    });

    type Role = 'customer' | 'otherCustomer' | 'partner' | 'otherPartner' | 'agent' | 'admin' | 'anonymous';
    type Outcome = 'ok' | 'null' | 'FORBIDDEN' | 'NOT_FOUND' | 'UNAUTHENTICATED';
    const ROLES: Role[] = [
      'customer',
      'otherCustomer',
      'partner',
      'otherPartner',
      'agent',
      'admin',
      'anonymous',
    ];
    const customerSide = (role: Role) => role === 'customer' || role === 'otherCustomer';

    const OPS: Record<
      string,
      { run: (role: Role) => [string, Record<string, unknown>]; expect: Record<Role, Outcome> }
    > = {
      ticket: {
        run: () => [`query($id: ID!) { ticket(id: $id) { id } }`, { id: caseId }],
        expect: {
          customer: 'ok',
          otherCustomer: 'null',
          partner: 'ok',
          otherPartner: 'null',
          agent: 'ok',
          admin: 'ok',
          anonymous: 'UNAUTHENTICATED',
        },
      },
      tickets: {
        run: () => [`{ tickets(first: 100) { edges { node { id } } } }`, {}],
        expect: {
          customer: 'ok',
          otherCustomer: 'null',
          partner: 'ok',
          otherPartner: 'null',
          agent: 'ok',
          admin: 'ok',
          anonymous: 'UNAUTHENTICATED',
        },
      },
      createTicket: {
        run: (role) => [
          `mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }`,
          {
            i: {
              subject: 's',
              description: 'd',
              category: 'OTHER',
              ...(customerSide(role) ? {} : { customer: { id: 'cust-1' } }),
            },
          },
        ],
        expect: {
          customer: 'ok',
          otherCustomer: 'ok',
          partner: 'ok',
          otherPartner: 'ok',
          agent: 'ok',
          admin: 'ok',
          anonymous: 'UNAUTHENTICATED',
        },
      },
      replyToTicket: {
        run: () => [
          `mutation($id: ID!) { replyToTicket(input: { ticketId: $id, body: "hi" }) { id } }`,
          { id: caseId },
        ],
        expect: {
          customer: 'ok',
          otherCustomer: 'NOT_FOUND',
          partner: 'ok',
          otherPartner: 'NOT_FOUND',
          agent: 'ok',
          admin: 'ok',
          anonymous: 'UNAUTHENTICATED',
        },
      },
      addInternalNote: {
        run: () => [
          `mutation($id: ID!) { addInternalNote(input: { ticketId: $id, body: "psst" }) { id } }`,
          { id: caseId },
        ],
        expect: {
          customer: 'FORBIDDEN',
          otherCustomer: 'NOT_FOUND',
          partner: 'FORBIDDEN',
          otherPartner: 'NOT_FOUND',
          agent: 'ok',
          admin: 'ok',
          anonymous: 'UNAUTHENTICATED',
        },
      },
      assignTicket: {
        run: () => [
          `mutation($id: ID!) { assignTicket(input: { ticketId: $id, agentId: "agent-1" }) { id } }`,
          { id: caseId },
        ],
        expect: {
          customer: 'FORBIDDEN',
          otherCustomer: 'NOT_FOUND',
          partner: 'FORBIDDEN',
          otherPartner: 'NOT_FOUND',
          agent: 'ok',
          admin: 'ok',
          anonymous: 'UNAUTHENTICATED',
        },
      },
      apiKeys: {
        run: () => [`{ apiKeys { id } }`, {}],
        expect: {
          customer: 'FORBIDDEN',
          otherCustomer: 'FORBIDDEN',
          partner: 'FORBIDDEN',
          otherPartner: 'FORBIDDEN',
          agent: 'FORBIDDEN',
          admin: 'ok',
          anonymous: 'UNAUTHENTICATED',
        },
      },
      createApiKey: {
        run: () => [`mutation { createApiKey(input: { channel: WEB, name: "k" }) { secret } }`, {}],
        expect: {
          customer: 'FORBIDDEN',
          otherCustomer: 'FORBIDDEN',
          partner: 'FORBIDDEN',
          otherPartner: 'FORBIDDEN',
          agent: 'FORBIDDEN',
          admin: 'ok',
          anonymous: 'UNAUTHENTICATED',
        },
      },
      registerAgent: {
        // Everyone tries to register the agent-1 profile (as agent-1 itself, for the agent).
        run: () => [REGISTER, { i: { id: 'agent-1', name: 'Ann Lee', tier: 'L1', languages: ['en'] } }],
        expect: {
          customer: 'FORBIDDEN',
          otherCustomer: 'FORBIDDEN',
          partner: 'FORBIDDEN',
          otherPartner: 'FORBIDDEN',
          agent: 'ok',
          admin: 'ok',
          anonymous: 'UNAUTHENTICATED',
        },
      },
    };

    const outcomeOf = (op: string, r: Gql): Outcome => {
      const c = code(r);
      if (c) return c as Outcome;
      const value = r.data?.[op];
      if (op === 'tickets') return value.edges.some((e: Edge) => e.node.id === caseId) ? 'ok' : 'null';
      return value === null ? 'null' : 'ok';
    };

    it.each(Object.keys(OPS))('%s', async (op) => {
      const got: Record<string, Outcome> = {};
      for (const role of ROLES) {
        const before = await eventCount();
        const [query, variables] = OPS[op].run(role);
        const r = await gql(role === 'anonymous' ? undefined : auth[role], query, variables);
        got[role] = outcomeOf(op, r);
        // A refusal never leaves events behind.
        if (got[role] !== 'ok') expect(await eventCount()).toBe(before);
      }
      expect(got).toEqual(OPS[op].expect);
    });

    it('customers never see internal notes, not even through the timeline', async () => {
      const q = `query($id: ID!) { ticket(id: $id) { messages { edges { node { body } } } timeline { edges { node { type data } } } } }`;
      const own = await gql(auth.customer, q, { id: caseId });
      expect(JSON.stringify(own.data)).not.toContain('psst');
      expect(JSON.stringify(own.data)).not.toContain('InternalNoteAdded');
      expect(JSON.stringify((await gql(auth.partner, q, { id: caseId })).data)).not.toContain('psst');
      expect(JSON.stringify((await gql(auth.agent, q, { id: caseId })).data)).toContain('InternalNoteAdded');
    });
  });
});
