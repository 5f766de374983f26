import { INestApplicationContext } from '@nestjs/common';
import { createClient } from 'graphql-ws';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import WebSocket from 'ws';
import { ApiKeyService, Principal } from '@kefu/platform';
import { SurveysService } from '@kefu/feedback';
import { createTestDatabase, TestDatabase, testConfig } from '@kefu/test-fixtures';
import { TicketsService } from '@kefu/tickets';
import { createWorker } from '../../apps/worker/src/bootstrap';
import { ApiTestApp, startApiApp } from './support/api-app';

// Issue 12: customers of app/web/chat tickets get their survey in the app — `pendingSurveys` and the
// `surveyOpened` subscription — and answer it with the token they are given; phone cases do not
// show up there (their channel asks), nor do other customers' surveys.

const agent: Principal = { kind: 'user', sub: 'agent-1', role: 'agent', name: 'Ana' };
interface Pending {
  token: string;
  survey: { id: string; status: string; expiresAt: string; ticket: { id: string } };
}
const PENDING = `{ pendingSurveys { token survey { id status expiresAt ticket { id } } } }`;

describe('in-app surveys (e2e: API + worker, graphql-ws)', () => {
  let db: TestDatabase;
  let t: ApiTestApp;
  let worker: INestApplicationContext;
  let phoneKey: string;
  const mei = { sub: 'u-mei', role: 'customer', customerId: 'cust-mei', name: 'Mei' };
  const other = { sub: 'u-other', role: 'customer', customerId: 'cust-other' };

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startApiApp({ db });
    worker = await createWorker(testConfig(db));
    phoneKey = (await t.app.get(ApiKeyService).create('phone', 'call-centre')).secret;
    await t.app
      .get(SurveysService)
      .updateSettings({ delaySeconds: 1, reminderAfterSeconds: 60, expiresAfterSeconds: 120 });
  });
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await db?.drop();
  });

  const gql = async (claims: object, query: string, variables?: object) =>
    (
      await request(t.server)
        .post('/graphql')
        .set('Authorization', t.bearer(claims as never))
        .send({ query, variables })
    ).body as { data?: Record<string, unknown>; errors?: Array<{ extensions?: { code?: string } }> };

  /** Mei opens a case in the web help centre (a customer's own tickets come in on `web`). */
  const openInApp = async () => {
    const r = await gql(mei, `mutation($i: CreateTicketInput!) { createTicket(input: $i) { id channel } }`, {
      i: { subject: 'Top-up failed', description: 'Bank card declined', category: 'PAYMENT_FAILED' },
    });
    expect(r.errors).toBeUndefined();
    return r.data!.createTicket as { id: string; channel: string };
  };

  it('the subscription fires when the survey opens; pendingSurveys lists it; the token answers it', async () => {
    const tk = await openInApp();
    expect(tk.channel).toBe('WEB');
    const received: Pending[] = [];
    const errors: unknown[] = [];
    const client = createClient({
      url: `ws://127.0.0.1:${(t.server.address() as AddressInfo).port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: t.bearer(mei as never) },
      retryAttempts: 0,
    });
    const otherReceived: unknown[] = [];
    const otherClient = createClient({
      url: `ws://127.0.0.1:${(t.server.address() as AddressInfo).port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: t.bearer(other as never) },
      retryAttempts: 0,
    });
    try {
      const query = `subscription { surveyOpened { token survey { id status ticket { id } } } }`;
      client.subscribe(
        { query },
        {
          next: (v) => received.push((v.data as { surveyOpened: Pending }).surveyOpened),
          error: (e) => errors.push(e),
          complete: () => undefined,
        },
      );
      otherClient.subscribe(
        { query },
        { next: (v) => otherReceived.push(v), error: (e) => errors.push(e), complete: () => undefined },
      );
      await new Promise((r) => setTimeout(r, 500));
      await t.app.get(TicketsService).setStatus(agent, tk.id, { status: 'solved' });

      const deadline = Date.now() + 20_000;
      while (!received.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(errors).toEqual([]);
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({
        token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        survey: { status: 'SENT', ticket: { id: tk.id } },
      });
      expect(otherReceived).toEqual([]);
    } finally {
      await client.dispose();
      await otherClient.dispose();
    }

    const listed = (await gql(mei, PENDING)).data!.pendingSurveys as Pending[];
    expect(listed).toEqual([
      {
        token: received[0].token,
        survey: expect.objectContaining({ id: received[0].survey.id, status: 'SENT', ticket: { id: tk.id } }),
      },
    ]);
    expect((await gql(other, PENDING)).data!.pendingSurveys).toEqual([]);

    const answered = await gql(
      mei,
      `mutation($i: RespondToSurveyInput!) { respondToSurvey(input: $i) { id status score } }`,
      { i: { token: received[0].token, score: 5, comment: 'Quick, thanks' } },
    );
    expect(answered.errors).toBeUndefined();
    expect(answered.data!.respondToSurvey).toMatchObject({ status: 'RESPONDED', score: 5 });
    // Answered: no longer pending.
    expect((await gql(mei, PENDING)).data!.pendingSurveys).toEqual([]);
  }, 45_000);

  it("a phone case's survey is not in the app; staff and partners may not ask for pending surveys", async () => {
    const opened = await request(t.server)
      .post('/v1/tickets')
      .set('X-Api-Key', phoneKey)
      .send({
        subject: 'Card unbinding',
        description: 'Pending transaction',
        category: 'card_unbinding',
        customer: { id: 'cust-mei' },
      });
    expect(opened.status).toBe(201);
    await t.app.get(TicketsService).setStatus(agent, opened.body.id as string, { status: 'solved' });
    const sentAt = Date.now();
    let survey: { id: string } | undefined;
    while (!survey && Date.now() - sentAt < 20_000) {
      survey = await t.app
        .get(SurveysService)
        .forTicket(opened.body.id as string)
        .then((s) => (s && s.status === 'sent' ? s : undefined));
      if (!survey) await new Promise((r) => setTimeout(r, 200));
    }
    expect(survey).toBeDefined();
    const listed = (await gql(mei, PENDING)).data!.pendingSurveys as Pending[];
    expect(listed.map((p) => p.survey.id)).not.toContain(survey!.id);

    const staff = await gql({ sub: 'agent-1', role: 'agent' }, PENDING);
    expect(staff.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const partner = (
      await request(t.server).post('/graphql').set('X-Api-Key', phoneKey).send({ query: PENDING })
    ).body as { errors?: Array<{ extensions?: { code?: string } }> };
    expect(partner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  }, 45_000);
});
