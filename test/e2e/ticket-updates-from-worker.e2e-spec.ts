import { INestApplicationContext } from '@nestjs/common';
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { ApiKeyService, PartnerPrincipal, GraphqlPubSub } from '@kefu/platform';
import { TicketsService, ticketTopic } from '@kefu/tickets';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { ApiTestApp, startApiApp } from './support/api-app';

describe('ticketUpdated hears about changes the worker makes (API + worker, real Redis)', () => {
  let api: ApiTestApp;
  let worker: INestApplicationContext;
  let redis: Redis;

  beforeAll(async () => {
    api = await startApiApp({ env: { TICKET_AUTO_CLOSE_SECONDS: '1' } });
    worker = await createWorker(api.config);
    redis = new Redis(api.config.redisUrl);
  });
  afterAll(async () => {
    redis?.disconnect();
    await worker?.close();
    await api?.close();
  });

  it('delivers the auto-closed ticket to a subscribed agent', async () => {
    const key = await api.app.get(ApiKeyService).create('phone', 'call-centre');
    const partner: PartnerPrincipal = {
      kind: 'partner',
      apiKeyId: key.apiKey.id,
      channel: 'phone',
      name: 'call-centre',
      partner: 'call-centre',
    };
    const tickets = api.app.get(TicketsService);
    const { result: t } = await tickets.open(partner, {
      subject: 'Card unbinding',
      description: 'Cannot unbind my card',
      category: 'card_unbinding',
      customer: { id: 'cust-9' },
    });

    const received: Array<{ status: string; version: number }> = [];
    const client = createClient({
      url: `ws://127.0.0.1:${(api.server.address() as AddressInfo).port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: api.bearer({ sub: 'agent-1', role: 'agent' }) },
      retryAttempts: 0,
    });
    client.subscribe(
      {
        query: `subscription($id: ID!) { ticketUpdated(id: $id) { status version } }`,
        variables: { id: t.id },
      },
      {
        next: (v) =>
          received.push((v.data as { ticketUpdated: { status: string; version: number } }).ticketUpdated),
        error: () => undefined,
        complete: () => undefined,
      },
    );
    try {
      const channel = api.app.get(GraphqlPubSub).channelOf(ticketTopic(t.id));
      for (let i = 0; i < 200; i++) {
        const [, n] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
        if (Number(n) > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      // Solved by an agent in the API; closed ~1 s later by the worker's job, which the API never sees.
      await tickets.setStatus({ kind: 'user', sub: 'agent-1', role: 'agent' }, t.id, { status: 'solved' });
      const deadline = Date.now() + 15_000;
      while (!received.some((r) => r.status === 'CLOSED') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(received.map((r) => r.status)).toContain('CLOSED');
      // Each version at most once, in order, although both the API and the worker publish.
      const versions = received.map((r) => r.version);
      expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
    } finally {
      await client.dispose();
    }
  });
});
