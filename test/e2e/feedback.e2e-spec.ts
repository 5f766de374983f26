import request from 'supertest';
import { DataSource } from 'typeorm';
import { AgentsService } from '@kefu/agents';
import { ApiKeyService, Principal } from '@kefu/platform';
import { SurveyTokens, SurveysService } from '@kefu/feedback';
import { HelpCentreService, seedHelpCentre } from '@kefu/help-centre';
import { TicketsService } from '@kefu/tickets';
import { ApiTestApp, startApiApp } from './support/api-app';

const partner: Principal = {
  kind: 'partner',
  apiKeyId: 'k',
  channel: 'phone',
  name: 'cc',
  partner: 'call-centre',
};
const agent: Principal = { kind: 'user', sub: 'agent-1', role: 'agent' };

describe('surveys, feedback and help centre over REST and GraphQL (e2e)', () => {
  let t: ApiTestApp;
  let ds: DataSource;
  let key: string;
  let otherKey: string;

  const gql = (auth: string | undefined, query: string, variables: Record<string, unknown> = {}) => {
    const r = request(t.server).post('/graphql');
    if (auth) r.set('Authorization', auth);
    return r.send({ query, variables });
  };
  const supervisor = () => t.bearer({ sub: 'sup-1', role: 'supervisor', name: 'Sam' });

  /** A solved ticket of the call centre with its survey sent (as the worker would). */
  const surveyed = async () => {
    const tickets = t.app.get(TicketsService);
    const { result } = await tickets.open(partner, {
      subject: 'Refund missing',
      description: 'Merchant says it was sent',
      category: 'refund_not_received',
      customer: { id: 'cust-1' },
    });
    await tickets.setStatus(agent, result.id, { status: 'solved' });
    const [solve] = (await ds.query(
      `SELECT event_id::text AS id FROM es_events WHERE stream_id = $1 AND event_type = 'TicketStatusChanged'`,
      [result.id],
    )) as Array<{ id: string }>;
    const surveyId = (await t.app
      .get(SurveysService)
      .sendForSolve(result.id, solve.id, { handler: 'e2e', messageId: solve.id }))!;
    return { ticketId: result.id, surveyId, token: t.app.get(SurveyTokens).tokenFor(surveyId) };
  };

  beforeAll(async () => {
    t = await startApiApp({ env: { SURVEY_RATE_LIMIT_PER_MINUTE: '1000' } });
    ds = t.app.get(DataSource);
    key = (await t.app.get(ApiKeyService).create('phone', 'call-centre')).secret;
    otherKey = (await t.app.get(ApiKeyService).create('chat', 'chat-vendor')).secret;
    await seedHelpCentre(t.app.get(HelpCentreService));
    // Complaints name an agent that exists (an unknown agentId is 404 not_found).
    await t.app
      .get(AgentsService)
      .register(
        { kind: 'user', sub: 'admin-1', role: 'admin' },
        { agentId: 'agent-1', name: 'Ann', tier: 'L1', languages: ['en'] },
      );
  });
  afterAll(async () => t?.close());

  describe('survey links (public, by token)', () => {
    it('reads the survey and takes one answer: 201, then 409 survey_already_answered', async () => {
      const s = await surveyed();
      const read = await request(t.server).get(`/v1/surveys/${s.token}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id: s.surveyId, status: 'sent', score: null });
      expect(read.headers['ratelimit']).toMatch(/^limit=1000, remaining=\d+, reset=\d+$/);
      const answer = await request(t.server)
        .post(`/v1/surveys/${s.token}/responses`)
        .set('Idempotency-Key', 'answer-1')
        .send({ score: 5, comment: 'Great' });
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ status: 'responded', score: 5, comment: 'Great' });
      const replay = await request(t.server)
        .post(`/v1/surveys/${s.token}/responses`)
        .set('Idempotency-Key', 'answer-1')
        .send({ score: 5, comment: 'Great' });
      expect(replay.status).toBe(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      const again = await request(t.server).post(`/v1/surveys/${s.token}/responses`).send({ score: 1 });
      expect(again.status).toBe(409);
      expect(again.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(again.body.code).toBe('survey_already_answered');
    });

    it('refuses a bad score with 400 and writes nothing', async () => {
      const s = await surveyed();
      for (const bad of [{ score: 0 }, { score: 6 }, { score: 'five' }, {}, { score: 3, comment: 7 }]) {
        const r = await request(t.server).post(`/v1/surveys/${s.token}/responses`).send(bad);
        expect(r.status).toBe(400);
        expect(r.body.code).toBe('validation_failed');
      }
      const [row] = (await ds.query(`SELECT status FROM survey_view WHERE id = $1`, [s.surveyId])) as Array<{
        status: string;
      }>;
      expect(row.status).toBe('sent');
    });

    it('answers 410 survey_expired after the expiry', async () => {
      const surveys = t.app.get(SurveysService);
      const before = await surveys.settings();
      await surveys.updateSettings({ delaySeconds: 0, reminderAfterSeconds: 1, expiresAfterSeconds: 2 });
      const s = await surveyed();
      await surveys.updateSettings({ ...before });
      await new Promise((r) => setTimeout(r, 2100));
      const r = await request(t.server).post(`/v1/surveys/${s.token}/responses`).send({ score: 4 });
      expect(r.status).toBe(410);
      expect(r.body.code).toBe('survey_expired');
      // Read: past its expiry a survey reads as expired, even before the worker's expiry job ran.
      expect((await request(t.server).get(`/v1/surveys/${s.token}`)).body.status).toBe('expired');
    });

    it('answers an unknown or malformed token with a plain 404', async () => {
      for (const token of ['A'.repeat(43), 'nope', '%27%20OR%201%3D1']) {
        const r = await request(t.server).get(`/v1/surveys/${token}`);
        expect(r.status).toBe(404);
        expect(r.body.detail).toBe('No survey was found for this link.');
      }
    });
  });

  describe('rate limit', () => {
    let limited: ApiTestApp;
    beforeAll(async () => {
      // Its own prefix: the counters are per deployment, and the app above has used some already.
      limited = await startApiApp({
        db: t.db,
        env: { SURVEY_RATE_LIMIT_PER_MINUTE: '3', QUEUE_PREFIX: `${t.config.queuePrefix}-rl` },
      });
    });
    afterAll(async () => limited?.close());

    it('answers 429 rate_limited with Retry-After once the limit is used up', async () => {
      const responses: request.Response[] = [];
      for (let i = 0; i < 7; i++)
        responses.push(await request(limited.server).get(`/v1/surveys/${'B'.repeat(43)}`));
      const codes = responses.map((r) => r.status);
      // Even if the one-minute window rolls over mid-test, at most 6 of 7 pass.
      expect(codes.filter((c) => c === 404).length).toBeGreaterThanOrEqual(3);
      const refused = responses.find((r) => r.status === 429)!;
      expect(refused).toBeDefined();
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.body.code).toBe('rate_limited');
      expect(refused.headers['ratelimit']).toMatch(/remaining=0/);
    });
  });

  describe('feedback', () => {
    it('takes a complaint about an agent from a partner and hands a new complaint ticket to L3', async () => {
      const r = await request(t.server)
        .post('/v1/feedback')
        .set('X-Api-Key', key)
        .send({
          customer: { id: 'cust-9' },
          kind: 'complaint',
          body: 'The agent was rude',
          agentId: 'agent-1',
        });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ kind: 'complaint', customerId: 'cust-9', agentId: 'agent-1' });
      const [ticket] = (await ds.query(`SELECT tier, category, customer_id FROM ticket_view WHERE id = $1`, [
        r.body.ticketId,
      ])) as Array<{ tier: string; category: string; customer_id: string }>;
      expect(ticket).toEqual({ tier: 'L3', category: 'complaint', customer_id: 'cust-9' });
      const [esc] = (await ds.query(
        `SELECT data->>'trigger' AS trigger FROM es_events WHERE stream_id = $1 AND event_type = 'TicketEscalated'`,
        [r.body.ticketId],
      )) as Array<{ trigger: string }>;
      expect(esc.trigger).toBe('complaint');
    });

    it('escalates the ticket a complaint is about; another partner cannot name that ticket (404)', async () => {
      const s = await surveyed();
      const mine = await request(t.server)
        .post('/v1/feedback')
        .set('X-Api-Key', key)
        .send({
          customer: { id: 'cust-1' },
          kind: 'complaint',
          body: 'Rude',
          agentId: 'agent-1',
          ticketId: s.ticketId,
        });
      expect(mine.status).toBe(201);
      expect(mine.body.ticketId).toBe(s.ticketId);
      const theirs = await request(t.server)
        .post('/v1/feedback')
        .set('X-Api-Key', otherKey)
        .send({ customer: { id: 'cust-1' }, kind: 'praise', body: 'x', ticketId: s.ticketId });
      expect(theirs.status).toBe(404);
    });

    it('documents the routes in OpenAPI', async () => {
      const doc = (await request(t.server).get('/openapi.json')).body as { paths: Record<string, object> };
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/v1/feedback', '/v1/surveys/{token}', '/v1/surveys/{token}/responses']),
      );
    });

    it('validates the body (400) and needs an API key (401)', async () => {
      const bad = await request(t.server)
        .post('/v1/feedback')
        .set('X-Api-Key', key)
        .send({ kind: 'rant', body: '' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(
        expect.arrayContaining(['customer', 'kind']),
      );
      expect((await request(t.server).post('/v1/feedback').send({})).status).toBe(401);
    });

    it('lists feedback for supervisors only, and takes a customer suggestion over GraphQL', async () => {
      const customer = t.bearer({ sub: 'u-7', role: 'customer', customerId: 'cust-7' });
      const sub = await gql(
        customer,
        `mutation { submitFeedback(input: {kind: SUGGESTION, body: "Dark mode please"}) { id kind body customer { id } ticket { id } agent { id } } }`,
      );
      expect(sub.body.data.submitFeedback).toMatchObject({
        kind: 'SUGGESTION',
        customer: { id: 'cust-7' },
        ticket: null,
        agent: null,
      });
      const list = await gql(
        supervisor(),
        `{ feedback(filter: {kind: [SUGGESTION]}, first: 5) { totalCount edges { node { body } } pageInfo { hasNextPage } } }`,
      );
      expect(list.body.data.feedback).toEqual({
        totalCount: 1,
        edges: [{ node: { body: 'Dark mode please' } }],
        pageInfo: { hasNextPage: false },
      });
      const denied = await gql(customer, `{ feedback { totalCount } }`);
      expect(denied.body.errors[0].extensions.code).toBe('FORBIDDEN');
    });
  });

  describe('GraphQL', () => {
    it('answers a survey, shows it on the ticket, and reports satisfaction', async () => {
      const s = await surveyed();
      const customer = t.bearer({ sub: 'u-1', role: 'customer', customerId: 'cust-1' });
      const r = await gql(
        customer,
        `mutation($token: String!) { respondToSurvey(input: {token: $token, score: 4}) { id status score ticket { id } } }`,
        { token: s.token },
      );
      expect(r.body.data.respondToSurvey).toEqual({
        id: s.surveyId,
        status: 'RESPONDED',
        score: 4,
        ticket: { id: s.ticketId },
      });
      const ticket = await gql(
        supervisor(),
        `query($id: ID!) { ticket(id: $id) { survey { id status score } } }`,
        {
          id: s.ticketId,
        },
      );
      expect(ticket.body.data.ticket.survey).toEqual({ id: s.surveyId, status: 'RESPONDED', score: 4 });
      const again = await gql(
        customer,
        `mutation($token: String!) { respondToSurvey(input: {token: $token, score: 4}) { id } }`,
        {
          token: s.token,
        },
      );
      expect(again.body.errors[0].extensions.code).toBe('SURVEY_ALREADY_ANSWERED');
      const stats = await gql(
        supervisor(),
        `{ satisfaction(groupBy: CHANNEL) { key label responses averageScore csat } }`,
      );
      expect(stats.body.errors).toBeUndefined();
      expect(Array.isArray(stats.body.data.satisfaction)).toBe(true);
    });

    it('shows a survey SCHEDULED while the delay runs, then SENT under the same id', async () => {
      const tickets = t.app.get(TicketsService);
      const { result } = await tickets.open(partner, {
        subject: 'Card will not unbind',
        description: 'Pending transaction',
        category: 'card_unbinding',
        customer: { id: 'cust-1' },
      });
      const q = `query($id: ID!) { ticket(id: $id) { survey { id status sentAt } } }`;
      expect((await gql(supervisor(), q, { id: result.id })).body.data.ticket.survey).toBeNull();
      await tickets.setStatus(agent, result.id, { status: 'solved' });
      const scheduled = (await gql(supervisor(), q, { id: result.id })).body.data.ticket.survey;
      expect(scheduled).toMatchObject({ status: 'SCHEDULED', sentAt: null });
      const [solve] = (await ds.query(
        `SELECT event_id::text AS id FROM es_events WHERE stream_id = $1 AND event_type = 'TicketStatusChanged'`,
        [result.id],
      )) as Array<{ id: string }>;
      await t.app
        .get(SurveysService)
        .sendForSolve(result.id, solve.id, { handler: 'e2e', messageId: solve.id });
      expect((await gql(supervisor(), q, { id: result.id })).body.data.ticket.survey).toMatchObject({
        id: scheduled.id,
        status: 'SENT',
      });
    });

    it('reads and changes survey settings (admins only)', async () => {
      const admin = t.bearer({ sub: 'adm', role: 'admin' });
      expect(
        (await gql(admin, `{ surveySettings { delaySeconds reminderAfterSeconds expiresAfterSeconds } }`))
          .body.data,
      ).toEqual({
        surveySettings: { delaySeconds: 3600, reminderAfterSeconds: 86400, expiresAfterSeconds: 604800 },
      });
      const set = `mutation($i: UpdateSurveySettingsInput!) { updateSurveySettings(input: $i) { delaySeconds } }`;
      const ok = await gql(admin, set, {
        i: { delaySeconds: 60, reminderAfterSeconds: 120, expiresAfterSeconds: 600 },
      });
      expect(ok.body.data.updateSurveySettings).toEqual({ delaySeconds: 60 });
      const bad = await gql(admin, set, {
        i: { delaySeconds: 60, reminderAfterSeconds: 700, expiresAfterSeconds: 600 },
      });
      expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      const notAdmin = await gql(supervisor(), set, {
        i: { delaySeconds: 1, reminderAfterSeconds: 2, expiresAfterSeconds: 3 },
      });
      expect(notAdmin.body.errors[0].extensions.code).toBe('FORBIDDEN');
    });

    it('serves help articles and support channels without credentials; staff edit them', async () => {
      const found = await gql(
        undefined,
        `{ helpArticles(query: "解绑", language: "zh-CN") { totalCount edges { node { title category language } } } }`,
      );
      expect(found.body.data.helpArticles).toEqual({
        totalCount: 1,
        edges: [{ node: { title: '银行卡无法解绑怎么办？', category: 'CARD_UNBINDING', language: 'zh-CN' } }],
      });
      const channels = await gql(
        undefined,
        `{ supportChannels { channel name contact opensAt closesAt alwaysOpen } }`,
      );
      expect(channels.body.data.supportChannels).toContainEqual(
        expect.objectContaining({ channel: 'PHONE', opensAt: '09:00', closesAt: '21:00', alwaysOpen: false }),
      );
      const upsert = `mutation { upsertHelpArticle(input: {title: "Fees abroad", body: "Conversion fees explained", category: FEES, language: "en"}) { id title } }`;
      expect((await gql(undefined, upsert)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const made = await gql(supervisor(), upsert);
      expect(made.body.data.upsertHelpArticle.title).toBe('Fees abroad');
      const search = await gql(
        undefined,
        `{ helpArticles(query: "conversion fee") { edges { node { title } } } }`,
      );
      expect(search.body.data.helpArticles.edges[0].node.title).toBe('Fees abroad');
    });
  });
});
