import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiKeyService } from '@kefu/platform';
import { ApiTestApp, startApiApp } from './support/api-app';

// Issue 12: a fresh install has SLA targets (shipped default policies, events an admin can change),
// and customer segments (VIP) given by the partner or set by an admin: SLA policies match on them
// and a VIP ticket comes first in its priority band in queues.

type Json = request.Response['body'];
interface Gql {
  data?: Json;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

const H = 3600_000;
const ticket = (over: Record<string, unknown> = {}) => ({
  subject: 'Top-up missing',
  description: 'Paid, no balance',
  category: 'payment_failed',
  customer: { id: 'cust-plain' },
  ...over,
});

describe('default SLA policies and customer segments (e2e)', () => {
  let t: ApiTestApp;
  let ds: DataSource;
  let key: string;
  let admin: string;
  let agent: string;

  beforeAll(async () => {
    t = await startApiApp();
    ds = t.app.get(DataSource);
    key = (await t.app.get(ApiKeyService).create('app', 'wallet-app')).secret;
    admin = t.bearer({ sub: 'admin-1', role: 'admin' });
    agent = t.bearer({ sub: 'agent-1', role: 'agent' });
  });
  afterAll(async () => t?.close());

  const open = (body: unknown) =>
    request(t.server)
      .post('/v1/tickets')
      .set('X-Api-Key', key)
      .send(body as object);
  const gql = async (auth: string, query: string, variables?: Record<string, unknown>): Promise<Gql> =>
    (await request(t.server).post('/graphql').set('Authorization', auth).send({ query, variables }))
      .body as Gql;
  const dueIn = (res: request.Response, field: 'firstResponseDueAt' | 'resolutionDueAt') =>
    Date.parse(res.body.sla[field] as string) - Date.parse(res.body.createdAt as string);
  const upsertPolicy = (i: Record<string, unknown>) =>
    gql(admin, 'mutation($i: UpsertSlaPolicyInput!) { upsertSlaPolicy(input: $i) { id segments } }', { i });

  it('a fresh install ships one policy per priority and a business calendar, as events', async () => {
    const r = await gql(
      admin,
      `{ slaPolicies { id priority firstResponseSeconds nextResponseSeconds resolutionSeconds calendarId segments }
         businessCalendars { id timeZone hours { weekday opens closes } } }`,
    );
    expect(r.errors).toBeUndefined();
    const byId = Object.fromEntries((r.data!.slaPolicies as Array<{ id: string }>).map((p) => [p.id, p]));
    expect(byId['default-urgent']).toEqual({
      id: 'default-urgent',
      priority: 'URGENT',
      firstResponseSeconds: 3600,
      nextResponseSeconds: 3600,
      resolutionSeconds: 8 * 3600,
      calendarId: null,
      segments: [],
    });
    expect(byId['default-high']).toMatchObject({
      firstResponseSeconds: 4 * 3600,
      calendarId: 'default-business-hours',
    });
    expect(byId['default-normal']).toMatchObject({
      firstResponseSeconds: 8 * 3600,
      calendarId: 'default-business-hours',
    });
    expect(byId['default-low']).toMatchObject({
      firstResponseSeconds: 24 * 3600,
      calendarId: 'default-business-hours',
    });
    expect(r.data!.businessCalendars).toEqual([
      expect.objectContaining({ id: 'default-business-hours', timeZone: 'Asia/Shanghai' }),
    ]);
    expect(r.data!.businessCalendars[0].hours).toHaveLength(5);
    // Events on their own streams, written by the system: an admin's change is the next one.
    const streams = (await ds.query(
      `SELECT stream_id, event_type, metadata->'actor'->>'kind' AS actor FROM es_events
        WHERE stream_type IN ('sla_policy', 'business_calendar') ORDER BY stream_id`,
    )) as Array<{ stream_id: string; event_type: string; actor: string }>;
    expect(streams.map((s) => s.stream_id)).toEqual([
      'business-calendar-default-business-hours',
      'sla-policy-default-high',
      'sla-policy-default-low',
      'sla-policy-default-normal',
      'sla-policy-default-urgent',
    ]);
    expect(new Set(streams.map((s) => s.actor))).toEqual(new Set(['system']));
  });

  it('POST /v1/tickets answers with both SLA due times set, for every priority', async () => {
    for (const priority of ['urgent', 'high', 'normal', 'low']) {
      const res = await open(ticket({ priority }));
      expect(res.status).toBe(201);
      expect(res.body.sla).toEqual({
        firstResponseDueAt: expect.any(String),
        resolutionDueAt: expect.any(String),
      });
      expect(dueIn(res, 'firstResponseDueAt')).toBeGreaterThan(0);
      expect(dueIn(res, 'resolutionDueAt')).toBeGreaterThan(dueIn(res, 'firstResponseDueAt'));
    }
    const urgent = await open(ticket({ priority: 'urgent' }));
    expect(dueIn(urgent, 'firstResponseDueAt')).toBe(H);
    expect(dueIn(urgent, 'resolutionDueAt')).toBe(8 * H);
  });

  it('an admin changes a default through the SLA policy API; it applies to new tickets', async () => {
    const r = await upsertPolicy({
      id: 'default-low',
      name: 'Low (24/7)',
      priority: 'LOW',
      firstResponseSeconds: 2 * 3600,
      nextResponseSeconds: 2 * 3600,
      resolutionSeconds: 48 * 3600,
    });
    expect(r.errors).toBeUndefined();
    const res = await open(ticket({ priority: 'low' }));
    expect(dueIn(res, 'firstResponseDueAt')).toBe(2 * H);
    const versions = (await ds.query(
      `SELECT version FROM es_streams WHERE stream_id = 'sla-policy-default-low'`,
    )) as Array<{
      version: string;
    }>;
    expect(Number(versions[0].version)).toBe(2);
  });

  it('a partner marks the customer VIP: the ticket carries the segment and a VIP policy applies', async () => {
    const vip = await upsertPolicy({
      id: 'vip-high',
      name: 'VIP high',
      priority: 'HIGH',
      segments: ['vip'],
      firstResponseSeconds: 900,
      nextResponseSeconds: 900,
      resolutionSeconds: 4 * 3600,
    });
    expect(vip.data?.upsertSlaPolicy).toEqual({ id: 'vip-high', segments: ['vip'] });

    const res = await open(ticket({ priority: 'high', customer: { id: 'cust-big', segments: [' VIP '] } }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ segments: ['vip'], vip: true });
    expect(dueIn(res, 'firstResponseDueAt')).toBe(15 * 60_000);

    const plain = await open(ticket({ priority: 'high' }));
    expect(plain.body).toMatchObject({ segments: [], vip: false });
    const g = await gql(agent, 'query($id: ID!) { ticket(id: $id) { segments vip sla { policyId } } }', {
      id: res.body.id,
    });
    expect(g.data!.ticket).toEqual({ segments: ['vip'], vip: true, sla: { policyId: 'vip-high' } });
    const p = await gql(agent, 'query($id: ID!) { ticket(id: $id) { vip sla { policyId } } }', {
      id: plain.body.id,
    });
    expect(p.data!.ticket).toEqual({ vip: false, sla: { policyId: 'default-high' } });

    // Saving the policy without segments (an older client) keeps them.
    await upsertPolicy({
      id: 'vip-high',
      name: 'VIP high (renamed)',
      priority: 'HIGH',
      firstResponseSeconds: 900,
      nextResponseSeconds: 900,
      resolutionSeconds: 4 * 3600,
    });
    const again = await open(ticket({ priority: 'high', customer: { id: 'cust-big', segments: ['vip'] } }));
    expect(dueIn(again, 'firstResponseDueAt')).toBe(15 * 60_000);
  });

  it('an admin sets segments on a customer: later tickets of that customer carry them', async () => {
    const set =
      'mutation($i: SetCustomerSegmentsInput!) { setCustomerSegments(input: $i) { customerId segments } }';
    expect(
      (await gql(agent, set, { i: { customerId: 'cust-gold', segments: ['vip'] } })).errors?.[0]?.extensions
        ?.code,
    ).toBe('FORBIDDEN');
    const r = await gql(admin, set, { i: { customerId: 'cust-gold', segments: ['VIP', 'merchant'] } });
    expect(r.data!.setCustomerSegments).toEqual({ customerId: 'cust-gold', segments: ['merchant', 'vip'] });
    const read = await gql(agent, '{ customerSegments(customerId: "cust-gold") { segments } }');
    expect(read.data!.customerSegments).toEqual({ segments: ['merchant', 'vip'] });

    const res = await open(ticket({ priority: 'high', customer: { id: 'cust-gold' } }));
    expect(res.body).toMatchObject({ segments: ['merchant', 'vip'], vip: true });
    expect(dueIn(res, 'firstResponseDueAt')).toBe(15 * 60_000);

    const bad = await gql(admin, set, { i: { customerId: 'cust-gold', segments: ['not a segment!'] } });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('a customer cannot declare themselves VIP; a bad segment is a field error', async () => {
    const customer = t.bearer({ sub: 'user-1', role: 'customer', customerId: 'cust-self' });
    const r = await gql(customer, 'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }', {
      i: {
        subject: 's',
        description: 'd',
        category: 'OTHER',
        customer: { id: 'cust-self', segments: ['vip'] },
      },
    });
    expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const before = Number(
      ((await ds.query(`SELECT count(*) AS c FROM es_events`)) as Array<{ c: string }>)[0].c,
    );
    const bad = await open(ticket({ customer: { id: 'c', segments: ['ok', 'not ok!'] } }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'customer.segments[1]' })]);
    const after = Number(
      ((await ds.query(`SELECT count(*) AS c FROM es_events`)) as Array<{ c: string }>)[0].c,
    );
    expect(after).toBe(before);
  });

  it('queues: orderBy QUEUE puts a VIP ticket first within its priority', async () => {
    const tag = `queue-${Date.now()}`;
    const mk = async (priority: string, vip: boolean) =>
      (
        await open(
          ticket({
            priority,
            tags: [tag],
            customer: { id: `c-${priority}-${vip}`, ...(vip ? { segments: ['vip'] } : {}) },
          }),
        )
      ).body.id as string;
    const normal = await mk('normal', false);
    const highVip = await mk('high', true);
    const normalVip = await mk('normal', true);
    const high = await mk('high', false);
    const r = await gql(
      agent,
      `query($tag: String!) { tickets(filter: { tag: $tag }, orderBy: { field: QUEUE, direction: DESC }) { edges { node { id vip } } } }`,
      { tag },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!.tickets.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([
      highVip,
      high,
      normalVip,
      normal,
    ]);
    // Cursors work for this order too.
    const page = await gql(
      agent,
      `query($tag: String!) { tickets(filter: { tag: $tag }, first: 2, orderBy: { field: QUEUE, direction: DESC }) {
         edges { cursor node { id } } } }`,
      { tag },
    );
    const after = page.data!.tickets.edges[1].cursor as string;
    const rest = await gql(
      agent,
      `query($tag: String!, $after: String) { tickets(filter: { tag: $tag }, after: $after, orderBy: { field: QUEUE, direction: DESC }) {
         edges { node { id } } } }`,
      { tag, after },
    );
    expect(rest.data!.tickets.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([
      normalVip,
      normal,
    ]);
  });
});
