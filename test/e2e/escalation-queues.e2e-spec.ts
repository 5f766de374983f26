import { INestApplicationContext } from '@nestjs/common';
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import WebSocket from 'ws';
import { queueTopic } from '@kefu/escalation';
import { AgentsService } from '@kefu/agents';
import { ApiKeyService, Principal, GraphqlPubSub } from '@kefu/platform';
import { TicketsService } from '@kefu/tickets';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { ApiTestApp, startApiApp } from './support/api-app';

interface Stats {
  tier: string;
  open: number;
  unassigned: number;
  oldestWaitingSince: string | null;
  medianFirstResponseSeconds: number | null;
}
interface Gql {
  data?: { queueStats?: Stats[] };
  errors?: Array<{ extensions?: { code?: string } }>;
}
const FIELDS = 'tier open unassigned oldestWaitingSince medianFirstResponseSeconds';

describe('queueStats and queueUpdated (API + worker, graphql-ws, real Redis)', () => {
  let api: ApiTestApp;
  let worker: INestApplicationContext;
  let redis: Redis;

  beforeAll(async () => {
    api = await startApiApp();
    worker = await createWorker(api.config);
    redis = new Redis(api.config.redisUrl);
  });
  afterAll(async () => {
    redis?.disconnect();
    await worker?.close();
    await api?.close();
  });

  const query = async (claims: { sub: string; role: string; customerId?: string }) =>
    (
      await request(api.server)
        .post('/graphql')
        .set('authorization', api.bearer(claims as never))
        .send({ query: `{ queueStats { ${FIELDS} } }` })
    ).body as Gql;

  const client = (claims: object) =>
    createClient({
      url: `ws://127.0.0.1:${(api.server.address() as AddressInfo).port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: api.bearer(claims as never) },
      retryAttempts: 0,
    });

  it('serves the figures per tier to staff only', async () => {
    const r = await query({ sub: 'agent-1', role: 'agent' });
    expect(r.data?.queueStats?.map((s) => s.tier)).toEqual(['L1', 'L2', 'L3']);
    const denied = await query({ sub: 'u-1', role: 'customer', customerId: 'cust-1' });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("delivers a tier's new figures over graphql-ws when a ticket is escalated into it", async () => {
    const received: Stats[] = [];
    const errors: unknown[] = [];
    const supervisor = client({ sub: 'sup-1', role: 'supervisor' });
    const customer = client({ sub: 'u-1', role: 'customer', customerId: 'cust-1' });
    supervisor.subscribe(
      { query: `subscription { queueUpdated(tier: L2) { ${FIELDS} } }` },
      {
        next: (v) => received.push((v.data as { queueUpdated: Stats }).queueUpdated),
        error: (e) => errors.push(e),
        complete: () => undefined,
      },
    );
    const refused = new Promise<unknown>((resolve) =>
      customer.subscribe(
        { query: `subscription { queueUpdated { ${FIELDS} } }` },
        // graphql-ws hands a refused subscription over as a result with errors (or an error).
        { next: resolve, error: resolve, complete: () => resolve('completed') },
      ),
    );
    try {
      const channel = api.app.get(GraphqlPubSub).channelOf(queueTopic('L2'));
      for (let i = 0; i < 200; i++) {
        const [, n] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
        if (Number(n) > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(JSON.stringify(await refused)).toContain('FORBIDDEN');

      const tickets = api.app.get(TicketsService);
      const customerP: Principal = { kind: 'user', sub: 'u-1', role: 'customer', customerId: 'cust-1' };
      const { result: t } = await tickets.open(customerP, {
        subject: 'Charged twice',
        description: 'Two charges for one coffee',
        category: 'abnormal_charge',
        language: 'en',
      });
      // Nobody at L2 is online: the ticket waits in the L2 queue.
      await tickets.escalate({ kind: 'user', sub: 'agent-1', role: 'agent' }, t.id, { reason: 'x' });
      const deadline = Date.now() + 20_000;
      while (!received.some((s) => s.open === 1) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const last = received[received.length - 1];
      expect(last).toMatchObject({ tier: 'L2', open: 1, unassigned: 1, medianFirstResponseSeconds: null });
      expect(Date.parse(last.oldestWaitingSince!)).toBeGreaterThan(Date.now() - 60_000);
      expect(received.every((s) => s.tier === 'L2')).toBe(true);
      expect(errors).toEqual([]);
      const r = await query({ sub: 'agent-1', role: 'agent' });
      expect(r.data?.queueStats?.find((s) => s.tier === 'L2')).toMatchObject({ open: 1, unassigned: 1 });
    } finally {
      await supervisor.dispose();
      await customer.dispose();
    }
  });

  it("routes a customer's escalation request made over REST to an online senior agent", async () => {
    const admin: Principal = { kind: 'user', sub: 'admin-1', role: 'admin' };
    const agents = api.app.get(AgentsService);
    await agents.register(admin, { agentId: 'senior-th', name: 'Somchai', tier: 'L2', languages: ['th'] });
    await agents.setAvailability(admin, 'senior-th', true);
    const key = (await api.app.get(ApiKeyService).create('phone', 'call-centre')).secret;
    const opened = await request(api.server)
      .post('/v1/tickets')
      .set('X-Api-Key', key)
      .send({
        subject: 'Account locked',
        description: 'Too many wrong passwords',
        category: 'account_locked',
        language: 'th',
        customer: { id: 'cust-th' },
      });
    expect(opened.status).toBe(201);
    const id = (opened.body as { id: string }).id;
    const asked = await request(api.server)
      .post(`/v1/tickets/${id}/escalation-requests`)
      .set('X-Api-Key', key)
      .send({ reason: 'Please, a senior agent' });
    expect(asked.status).toBe(202);
    const deadline = Date.now() + 20_000;
    let ticket: { tier?: string; assignee?: { id: string } | null } = {};
    while (ticket.assignee?.id !== 'senior-th' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      const r = await request(api.server)
        .post('/graphql')
        .set('authorization', api.bearer({ sub: 'sup-1', role: 'supervisor' }))
        .send({ query: `query($id: ID!) { ticket(id: $id) { tier assignee { id } } }`, variables: { id } });
      ticket = (r.body as { data: { ticket: typeof ticket } }).data.ticket;
    }
    expect(ticket).toEqual({ tier: 'L2', assignee: { id: 'senior-th' } });
  });
});
