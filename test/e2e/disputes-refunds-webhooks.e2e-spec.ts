import { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { ApiKeyService, LOG_START, encodeCursor } from '@kefu/platform';
import { WebhookReceiver } from '@kefu/test-fixtures';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { ApiTestApp, startApiApp } from './support/api-app';

interface FeedItem {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

const MONEY_EVENTS = [
  'dispute.opened',
  'dispute.evidence_added',
  'dispute.status_changed',
  'dispute.decided',
  'refund.requested',
  'refund.approved',
  'refund.rejected',
  'refund.succeeded',
  'refund.failed',
];

describe('dispute and refund webhooks: the ticket partner, the payments core, nobody else (e2e)', () => {
  jest.setTimeout(60_000);
  let t: ApiTestApp;
  let worker: INestApplicationContext;
  const keys = { app: '', chat: '', payments: '' };
  const hooks: Record<string, WebhookReceiver> = {};

  const feed = async (key: string, until: (items: FeedItem[]) => boolean): Promise<FeedItem[]> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const items: FeedItem[] = [];
      let cursor = encodeCursor(LOG_START);
      for (;;) {
        const res = await request(t.server).get('/v1/events').query({ after: cursor }).set('X-Api-Key', key);
        items.push(...(res.body.data as FeedItem[]));
        if (res.body.data.length === 0) break;
        cursor = res.body.nextCursor as string;
      }
      if (until(items) || Date.now() > deadline) return items;
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    t = await startApiApp();
    worker = await createWorker(t.config);
    const apiKeys = t.app.get(ApiKeyService);
    keys.app = (await apiKeys.create('app', 'wallet-app')).secret;
    keys.chat = (await apiKeys.create('chat', 'chat-vendor')).secret;
    keys.payments = (await apiKeys.create('partner', 'payments-core', 'admin', ['payments_core'])).secret;
    for (const who of Object.keys(keys) as Array<keyof typeof keys>) {
      hooks[who] = await WebhookReceiver.start();
      const res = await request(t.server)
        .post('/v1/webhooks')
        .set('X-Api-Key', keys[who])
        .send({ url: hooks[who].url, events: MONEY_EVENTS });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    for (const h of Object.values(hooks)) await h.close();
    await worker?.close();
    await t?.close();
  });

  it('a won dispute and its payout reach the partner (all) and the payments core (refunds only)', async () => {
    const transaction = {
      id: `wh-tx-${Date.now()}`,
      amount: 5000,
      currency: 'CNY',
      merchantId: 'm-1',
      occurredAt: new Date().toISOString(),
    };
    const opened = await request(t.server)
      .post('/v1/disputes')
      .set('X-Api-Key', keys.app)
      .send({
        customer: { id: 'cust-1', name: 'Li Wei' },
        transaction,
        reason: 'not delivered',
        claimedAmount: 5000,
      });
    expect(opened.status).toBe(201);
    const disputeId = opened.body.id as string;
    await request(t.server)
      .post(`/v1/disputes/${disputeId}/evidence`)
      .set('X-Api-Key', keys.app)
      .send({ party: 'merchant', kind: 'statement', description: 'we shipped' })
      .expect(201);
    const decided = await request(t.server)
      .post('/graphql')
      .set('Authorization', t.bearer({ sub: 'senior-1', role: 'senior_agent' }))
      .send({
        query: `mutation($i: DecideDisputeInput!) { decideDispute(input: $i) { refund { id } } }`,
        variables: { i: { disputeId, outcome: 'WON', rationale: 'no tracking' } },
      });
    const refundId = decided.body.data.decideDispute.refund.id as string;
    await request(t.server)
      .post(`/v1/refunds/${refundId}/payout-result`)
      .set('X-Api-Key', keys.payments)
      .send({ status: 'succeeded', reference: 'po-9' })
      .expect(200);

    const appFeed = await feed(keys.app, (i) => i.some((x) => x.type === 'refund.succeeded'));
    const mine = appFeed.filter((i) => i.type.startsWith('dispute.') || i.type.startsWith('refund.'));
    expect(mine.map((i) => i.type)).toEqual([
      'dispute.opened',
      'dispute.status_changed',
      'dispute.evidence_added',
      'dispute.status_changed',
      'dispute.decided',
      'refund.requested',
      'refund.approved',
      'refund.succeeded',
    ]);
    expect(mine[4].data).toMatchObject({ disputeId, outcome: 'won', awardedAmount: 5000, refundId });
    expect(mine[6].data).toMatchObject({
      refundId,
      amount: 5000,
      currency: 'CNY',
      transactionId: transaction.id,
    });
    // Personal data stays out of the public payloads.
    expect(JSON.stringify(mine)).not.toContain('Li Wei');

    const paymentsFeed = await feed(keys.payments, (i) => i.some((x) => x.type === 'refund.succeeded'));
    expect(paymentsFeed.map((i) => i.type)).toEqual([
      'refund.requested',
      'refund.approved',
      'refund.succeeded',
    ]);

    await hooks.app.waitFor((r) => r.requests.length >= 8);
    await hooks.payments.waitFor((r) => r.requests.length >= 3);
    expect(hooks.payments.requests.map((q) => q.json.type).sort()).toEqual([
      'refund.approved',
      'refund.requested',
      'refund.succeeded',
    ]);
    expect((await feed(keys.chat, () => true)).length).toBe(0);
    expect(hooks.chat.requests).toHaveLength(0);
  });
});
