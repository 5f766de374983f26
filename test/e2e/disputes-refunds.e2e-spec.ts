import { INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ApiKeyService, QueueName, jobId } from '@kefu/platform';
import { MerchantDeadlineJob } from '@kefu/disputes';
import { RefundOverdueJob } from '@kefu/refunds';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { ApiTestApp, startApiApp } from './support/api-app';

type Auth = [header: string, value: string];
type Json = request.Response['body'];
interface Gql {
  data?: Json;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

let seq = 0;
const tx = (amount = 10_000) => ({
  id: `e2e-tx-${Date.now()}-${++seq}`,
  amount,
  currency: 'CNY',
  merchantId: 'm-7',
  occurredAt: new Date(Date.now() - 24 * 3600 * 1000).toISOString(),
});

describe('disputes and refunds over REST and GraphQL, with the worker (e2e)', () => {
  let t: ApiTestApp;
  let worker: INestApplicationContext;
  const auth: Record<string, Auth> = {};
  const post = (a: Auth, path: string, body: object, key?: string) => {
    const r = request(t.server).post(path).set(a[0], a[1]);
    if (key) void r.set('Idempotency-Key', key);
    return r.send(body);
  };
  const get = (a: Auth, path: string) => request(t.server).get(path).set(a[0], a[1]);
  const gql = async (a: Auth, query: string, variables?: Record<string, unknown>): Promise<Gql> =>
    (await request(t.server).post('/graphql').set(a[0], a[1]).send({ query, variables })).body as Gql;

  beforeAll(async () => {
    t = await startApiApp({
      env: { DISPUTE_MERCHANT_RESPONSE_SECONDS: '2', REFUND_PROCESSING_SECONDS: '3' },
    });
    worker = await createWorker(t.config);
    const keys = t.app.get(ApiKeyService);
    Object.assign(auth, {
      agent: ['Authorization', t.bearer({ sub: 'agent-1', role: 'agent' })],
      senior: ['Authorization', t.bearer({ sub: 'senior-1', role: 'senior_agent' })],
      customer: ['Authorization', t.bearer({ sub: 'u-1', role: 'customer', customerId: 'cust-1' })],
      partner: ['X-Api-Key', (await keys.create('app', 'wallet-app')).secret],
      otherPartner: ['X-Api-Key', (await keys.create('chat', 'chat-vendor')).secret],
      payments: [
        'X-Api-Key',
        (await keys.create('partner', 'payments-core', undefined, ['payments_core'])).secret,
      ],
    });
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
  });

  it('refunds: request (idempotent), the cap as problem+json, approve, payout callback twice', async () => {
    const transaction = tx();
    const body = { customer: { id: 'cust-1' }, transaction, amount: 6000, reason: 'charged twice' };
    const first = await post(auth.partner, '/v1/refunds', body, 'idem-r-1');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      status: 'requested',
      amount: 6000,
      customerId: 'cust-1',
      disputeId: null,
    });
    const replay = await post(auth.partner, '/v1/refunds', body, 'idem-r-1');
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(first.body.id);

    const over = await post(auth.partner, '/v1/refunds', { ...body, amount: 5000 });
    expect(over.status).toBe(422);
    expect(over.headers['content-type']).toContain('application/problem+json');
    expect(over.body.code).toBe('refund_exceeds_transaction');
    const bad = await post(auth.partner, '/v1/refunds', { ...body, amount: 'lots' });
    expect(bad.status).toBe(400);

    const id = first.body.id as string;
    expect((await get(auth.otherPartner, `/v1/refunds/${id}`)).status).toBe(404);
    expect((await get(auth.payments, `/v1/refunds/${id}`)).status).toBe(200);

    const approved = await gql(
      auth.agent,
      `mutation($i: ApproveRefundInput!) { approveRefund(input: $i) { status expectedBy approvedBy { kind id } } }`,
      { i: { refundId: id } },
    );
    expect(approved.data?.approveRefund).toMatchObject({
      status: 'PROCESSING',
      approvedBy: { kind: 'AGENT', id: 'agent-1' },
    });

    expect(
      (await post(auth.agent, `/v1/refunds/${id}/payout-result`, { status: 'succeeded', reference: 'po-1' }))
        .status,
    ).toBe(403);
    const paid = await post(auth.payments, `/v1/refunds/${id}/payout-result`, {
      status: 'succeeded',
      reference: 'po-1',
    });
    expect(paid.status).toBe(200);
    const again = await post(auth.payments, `/v1/refunds/${id}/payout-result`, {
      status: 'succeeded',
      reference: 'po-1',
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      status: 'succeeded',
      payoutReference: 'po-1',
      version: paid.body.version,
    });

    const ticket = await gql(auth.customer, `query($id: ID!) { ticket(id: $id) { refunds { id status } } }`, {
      id: first.body.ticketId,
    });
    expect(ticket.data?.ticket.refunds).toEqual([{ id, status: 'SUCCEEDED' }]);
    const mine = await gql(
      auth.customer,
      `{ refunds(filter: { status: [SUCCEEDED] }) { totalCount edges { node { id ticket { id } } } } }`,
    );
    expect(mine.data?.refunds.edges.map((e: Json) => e.node.id)).toContain(id);
  });

  it('disputes: open, one per transaction (409), evidence, decision by a senior creates the refund', async () => {
    const transaction = tx();
    const body = { customer: { id: 'cust-1' }, transaction, reason: 'never arrived', claimedAmount: 7000 };
    const opened = await post(auth.partner, '/v1/disputes', body);
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({
      status: 'awaiting_merchant',
      claimedAmount: 7000,
      merchantResponded: false,
    });
    const second = await post(auth.partner, '/v1/disputes', body);
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('dispute_already_open');
    const id = opened.body.id as string;
    expect((await get(auth.otherPartner, `/v1/disputes/${id}`)).status).toBe(404);

    const ev = await post(auth.partner, `/v1/disputes/${id}/evidence`, {
      party: 'merchant',
      kind: 'delivery_proof',
      description: 'Courier slip',
      attachments: [
        { name: 'slip.png', contentType: 'image/png', size: 10, url: 'https://files.example.com/slip.png' },
      ],
    });
    expect(ev.status).toBe(201);
    expect(ev.body).toMatchObject({ status: 'under_review', merchantResponded: true });

    const DECIDE = `mutation($i: DecideDisputeInput!) { decideDispute(input: $i) { status awardedAmount refund { id status amount } ticket { id dispute { id } } } }`;
    const denied = await gql(auth.agent, DECIDE, {
      i: { disputeId: id, outcome: 'WON', rationale: 'no proof' },
    });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const won = await gql(auth.senior, DECIDE, {
      i: { disputeId: id, outcome: 'WON', rationale: 'no proof' },
    });
    expect(won.data?.decideDispute).toMatchObject({
      status: 'WON',
      awardedAmount: 7000,
      refund: { status: 'PROCESSING', amount: 7000 },
      ticket: { id: opened.body.ticketId, dispute: { id } },
    });
    const again = await gql(auth.senior, DECIDE, {
      i: { disputeId: id, outcome: 'LOST', rationale: 'changed my mind' },
    });
    expect(again.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const r = await get(auth.partner, `/v1/disputes/${id}`);
    expect(r.body.refundId).toBe(won.data?.decideDispute.refund.id);
    // A page of tickets with their links: batched per request (one query per link kind).
    const page = await gql(
      auth.agent,
      `{ tickets(first: 50) { edges { node { id dispute { id } refunds { id disputeId } } } } }`,
    );
    const node = page.data?.tickets.edges
      .map((e: Json) => e.node)
      .find((n: Json) => n.id === opened.body.ticketId);
    expect(node).toEqual({
      id: opened.body.ticketId,
      dispute: { id },
      refunds: [{ id: won.data?.decideDispute.refund.id, disputeId: id }],
    });
  });

  it('GraphQL: a customer requests and cancels their own refund; four eyes above the threshold', async () => {
    const REQUEST = `mutation($i: RequestRefundInput!) { requestRefund(input: $i) { id status requiresSeniorApproval ticket { id category } } }`;
    const mine = await gql(auth.customer, REQUEST, {
      i: { transaction: tx(1000), amount: 400, reason: 'cancelled order' },
    });
    expect(mine.data?.requestRefund).toMatchObject({ status: 'REQUESTED', ticket: { category: 'REFUND' } });
    const canceled = await gql(
      auth.customer,
      `mutation($i: CancelRefundInput!) { cancelRefund(input: $i) { status } }`,
      {
        i: { refundId: mine.data?.requestRefund.id },
      },
    );
    expect(canceled.data?.cancelRefund.status).toBe('CANCELED');
    const old = await gql(auth.customer, REQUEST, {
      i: { transaction: { ...tx(1000), occurredAt: '2020-01-01T00:00:00Z' }, amount: 400, reason: 'late' },
    });
    expect(old.errors?.[0]?.extensions?.code).toBe('REFUND_WINDOW_EXPIRED');

    const big = await gql(auth.senior, REQUEST, {
      i: { customer: { id: 'cust-1' }, transaction: tx(900_000), amount: 600_000, reason: 'merchant closed' },
    });
    expect(big.data?.requestRefund.requiresSeniorApproval).toBe(true);
    const APPROVE = `mutation($i: ApproveRefundInput!) { approveRefund(input: $i) { status } }`;
    const i = { refundId: big.data?.requestRefund.id };
    expect((await gql(auth.agent, APPROVE, { i })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gql(auth.senior, APPROVE, { i })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const other = ['Authorization', t.bearer({ sub: 'senior-2', role: 'senior_agent' })] as Auth;
    expect((await gql(other, APPROVE, { i })).data?.approveRefund.status).toBe('PROCESSING');
  });

  it('the worker moves a dispute past its merchant deadline to review (timer from the log, reconciled after a loss)', async () => {
    const opened = await post(auth.partner, '/v1/disputes', {
      customer: { id: 'cust-1' },
      transaction: tx(),
      reason: 'wrong amount',
      claimedAmount: 100,
    });
    const id = opened.body.id as string;
    // Lose the deadline job as a Redis flush would; the reconciler derives it again from the log.
    const ds = t.app.get(DataSource);
    const [{ event_id }] = (await ds.query(
      `SELECT event_id FROM es_events WHERE stream_id = $1 AND event_type = 'DisputeStatusChanged'`,
      [id],
    )) as Array<{ event_id: string }>;
    const queue = worker.get<Queue>(getQueueToken(QueueName.Disputes), { strict: false });
    const timer = jobId('dispute-merchant-deadline', event_id);
    for (let i = 0; i < 100 && !(await queue.getJob(timer)); i++) await new Promise((r) => setTimeout(r, 50));
    await queue.remove(timer);
    expect(await queue.getJob(timer)).toBeUndefined();
    expect(await worker.get(MerchantDeadlineJob).reconcile()).toBeGreaterThanOrEqual(1);
    expect(await queue.getJob(timer)).toBeDefined();
    const deadline = Date.now() + 20_000;
    let status = opened.body.status as string;
    let body: Json = opened.body;
    while (status !== 'under_review' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      body = (await get(auth.partner, `/v1/disputes/${id}`)).body;
      status = body.status as string;
    }
    expect(body).toMatchObject({ status: 'under_review', merchantResponded: false });
  });

  it('a refund not paid by expectedBy gets an escalated follow-up, even after Redis lost the timer', async () => {
    const created = await post(auth.partner, '/v1/refunds', {
      customer: { id: 'cust-1' },
      transaction: tx(),
      amount: 100,
      reason: 'never arrived',
    });
    const id = created.body.id as string;
    const APPROVE = `mutation($i: ApproveRefundInput!) { approveRefund(input: $i) { status } }`;
    await gql(auth.agent, APPROVE, { i: { refundId: id } });
    // Wait for the dispatcher to schedule the timer, then lose it as a Redis flush would.
    const ds = t.app.get(DataSource);
    const [{ event_id }] = (await ds.query(
      `SELECT event_id FROM es_events WHERE stream_id = $1 AND event_type = 'RefundProcessingStarted'`,
      [id],
    )) as Array<{ event_id: string }>;
    const queue = worker.get<Queue>(getQueueToken(QueueName.Refunds), { strict: false });
    const timer = jobId('refund-overdue', event_id);
    for (let i = 0; i < 100 && !(await queue.getJob(timer)); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await queue.getJob(timer)).toBeDefined();
    await queue.remove(timer);
    expect(await queue.getJob(timer)).toBeUndefined();
    expect(await worker.get(RefundOverdueJob).reconcile()).toBeGreaterThanOrEqual(1);
    expect(await queue.getJob(timer)).toBeDefined();

    const READ = `query($id: ID!) { refund(id: $id) { status followUpTicketId } }`;
    const deadline = Date.now() + 20_000;
    let followUp: string | null = null;
    while (!followUp && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      followUp = (await gql(auth.agent, READ, { id })).data?.refund.followUpTicketId ?? null;
    }
    expect(followUp).not.toBeNull();
    const ticket = await gql(auth.agent, `query($id: ID!) { ticket(id: $id) { category tier } }`, {
      id: followUp,
    });
    expect(ticket.data?.ticket).toEqual({ category: 'REFUND_NOT_RECEIVED', tier: 'L2' });
  });
});
