import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiKeyService, EventStore, inTransaction } from '@kefu/platform';
import { DeflectionProjector } from '@kefu/self-service';
import { HelpCentreService, seedHelpCentre, starterArticleId } from '@kefu/help-centre';
import { ApiTestApp, startApiApp } from './support/api-app';

describe('self-service answers over REST and GraphQL (e2e)', () => {
  let t: ApiTestApp;
  let ds: DataSource;
  let key: string;
  let otherKey: string;

  const gql = (auth: string | undefined, query: string, variables: Record<string, unknown> = {}) => {
    const r = request(t.server).post('/graphql');
    if (auth) r.set('Authorization', auth);
    return r.send({ query, variables });
  };
  const rest = (k: string) => ({
    post: (path: string, body: object) => request(t.server).post(path).set('X-Api-Key', k).send(body),
    get: (path: string) => request(t.server).get(path).set('X-Api-Key', k),
  });
  const customer = (customerId = 'cust-9', sub = 'user-9') => t.bearer({ sub, role: 'customer', customerId });
  const agent = () => t.bearer({ sub: 'agent-1', role: 'agent', name: 'Ann' });
  const count = async (table: string) =>
    ((await ds.query(`SELECT count(*)::int AS n FROM ${table}`)) as Array<{ n: number }>)[0].n;
  const SESSION = `id status question language languageSource detectedLanguage suggestedCategory categoryConfidence
    suggestedPriority priorityReason channel token ticketId acceptedArticleId version
    articles { articleId title category language score snippet }`;

  beforeAll(async () => {
    t = await startApiApp();
    ds = t.app.get(DataSource);
    await seedHelpCentre(t.app.get(HelpCentreService));
    key = (await t.app.get(ApiKeyService).create('chat', 'chat-vendor')).secret;
    otherKey = (await t.app.get(ApiKeyService).create('phone', 'ivr')).secret;
  });
  afterAll(() => t?.close());

  it('a partner asks in Chinese, then hands over: the ticket starts with the question, category, priority and the articles shown', async () => {
    const asked = await rest(key).post('/v1/answers', {
      question: '商家说一周前就退款了，我还没收到',
      customer: { id: 'cust-1' },
    });
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({
      status: 'suggested',
      language: 'zh-CN',
      languageSource: 'script',
      suggestedCategory: 'refund_not_received',
      suggestedPriority: 'normal',
      channel: 'chat',
      customerId: 'cust-1',
    });
    expect(asked.body.articles[0]).toMatchObject({
      articleId: starterArticleId('refund-not-received', 'zh-CN'),
    });
    expect(asked.body.articles[0].snippet.length).toBeGreaterThan(5);
    expect(asked.headers['ratelimit']).toMatch(/^limit=30, remaining=\d+/);
    // The question is personal data: sealed in the log and the read model.
    const [stored] = (await ds.query(`SELECT data->>'question' AS q FROM es_events WHERE stream_id = $1`, [
      asked.body.id,
    ])) as Array<{ q: string }>;
    expect(stored.q).toMatch(/^pii1\./);

    // Another partner cannot see or act on it.
    expect((await rest(otherKey).get(`/v1/answers/${asked.body.id}`)).status).toBe(404);
    expect((await rest(otherKey).post(`/v1/answers/${asked.body.id}/handover`, {})).status).toBe(404);

    const handed = await rest(key).post(`/v1/answers/${asked.body.id}/handover`, {
      comment: 'Order 4711',
      customer: { id: 'cust-1', name: 'Li Wei' },
    });
    expect(handed.status).toBe(201);
    expect(handed.body).toMatchObject({ status: 'handed_over', ticketId: expect.any(String) });
    const ticket = await rest(key).get(`/v1/tickets/${handed.body.ticketId}`);
    expect(ticket.body).toMatchObject({
      description: '商家说一周前就退款了，我还没收到\n\nOrder 4711',
      category: 'refund_not_received',
      priority: 'normal',
      language: 'zh-CN',
      channel: 'chat',
      tags: ['self-service'],
      customer: { id: 'cust-1', name: 'Li Wei' },
    });
    // Agents see the articles already shown (internal note) and the session on the ticket.
    const seen = await gql(
      agent(),
      `query($id: ID!) { ticket(id: $id) { messages(includeInternal: true) { edges { node { body visibility } } }
         selfService { id question articles { articleId } } } }`,
      { id: handed.body.ticketId },
    );
    const note = seen.body.data.ticket.messages.edges[0].node;
    expect(note.visibility).toBe('INTERNAL');
    expect(note.body).toContain(asked.body.articles[0].title);
    expect(seen.body.data.ticket.selfService).toMatchObject({
      id: asked.body.id,
      question: '商家说一周前就退款了，我还没收到',
    });
    // Final: a second handover is refused and opens nothing.
    const tickets = await count('ticket_view');
    const again = await rest(key).post(`/v1/answers/${asked.body.id}/handover`, {});
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('invalid_transition');
    expect(await count('ticket_view')).toBe(tickets);
  });

  it('an anonymous visitor asks, resolves it with the token, and must sign in to reach a person', async () => {
    const asked = await gql(
      undefined,
      `mutation($q: String!) { suggestAnswers(question: $q) { ${SESSION} } }`,
      { q: 'I typed the wrong password a few times and now my account is locked' },
    );
    const s = asked.body.data.suggestAnswers;
    expect(s).toMatchObject({
      status: 'SUGGESTED',
      language: 'en',
      suggestedCategory: 'ACCOUNT_LOCKED',
      suggestedPriority: 'HIGH',
      channel: 'WEB',
      token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const articleId = s.articles[0].articleId as string;
    expect(articleId).toBe(starterArticleId('account-locked', 'en'));
    const accept = (token: string | null, id = articleId) =>
      gql(
        undefined,
        `mutation($i: AcceptAnswerInput!) { acceptAnswer(input: $i) { status acceptedArticleId token } }`,
        { i: { sessionId: s.id, articleId: id, token } },
      );
    expect((await accept(null)).body.errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await accept('x'.repeat(43))).body.errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await accept(s.token, 'nope')).body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await accept(s.token)).body.data.acceptAnswer).toEqual({
      status: 'DEFLECTED',
      acceptedArticleId: articleId,
      token: null,
    });
    // Reading it back needs the token too.
    const read = (token: string | null) =>
      gql(undefined, `query($id: ID!, $t: String) { answerSession(id: $id, token: $t) { status } }`, {
        id: s.id,
        t: token,
      });
    expect((await read(null)).body.data.answerSession).toBeNull();
    expect((await read(s.token)).body.data.answerSession).toEqual({ status: 'DEFLECTED' });

    const hand = (auth: string | undefined, token: string | null) =>
      gql(
        auth,
        `mutation($i: HandOverToHumanInput!) { handOverToHuman(input: $i) { status question ticketId
           ticket { id category customer { id } } } }`,
        { i: { sessionId: s.id, token, category: 'ACCOUNT_LOCKED' } },
      );
    expect((await hand(undefined, s.token)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // Signed in, but without the token: not theirs.
    expect((await hand(customer(), null)).body.errors[0].extensions.code).toBe('NOT_FOUND');
    const claimed = (await hand(customer(), s.token)).body.data.handOverToHuman;
    expect(claimed).toMatchObject({
      status: 'HANDED_OVER',
      question: 'I typed the wrong password a few times and now my account is locked',
      ticket: { category: 'ACCOUNT_LOCKED', customer: { id: 'cust-9' } },
    });
    // Now the customer's own session; the visitor's token no longer reads it.
    expect((await read(s.token)).body.data.answerSession).toBeNull();
  });

  it('refuses bad input clearly and writes nothing; staff and partners on GraphQL are refused', async () => {
    const mine = await rest(key).post('/v1/answers', {
      question: 'Where is my refund?',
      customer: { id: 'cust-1' },
    });
    const unnamed = await rest(key).post('/v1/answers', { question: 'Where is my refund?' });
    const events = await count('es_events');
    const tickets = await count('ticket_view');
    const bad = await rest(key).post('/v1/answers', { question: '   ', language: 'not a tag!' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['language', 'question']);
    const long = await rest(key).post('/v1/answers', { question: 'x'.repeat(1001) });
    expect(long.status).toBe(400);
    expect((await rest(key).post('/v1/answers', { question: 'hi', channel: 'fax' })).status).toBe(400);
    const staff = await gql(agent(), `mutation { suggestAnswers(question: "refund?") { id } }`);
    expect(staff.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const partnerGql = await request(t.server)
      .post('/graphql')
      .set('X-Api-Key', key)
      .send({ query: 'mutation { suggestAnswers(question: "refund?") { id } }' });
    expect(partnerGql.body.errors[0].extensions.code).toBe('FORBIDDEN');
    // A partner may not hand a session of one customer over as another's.
    const swapped = await rest(key).post(`/v1/answers/${mine.body.id}/handover`, {
      customer: { id: 'cust-2' },
    });
    expect(swapped.status).toBe(400);
    expect(swapped.body.errors).toEqual([
      { field: 'customer.id', message: "is not this session's customer" },
    ]);
    const noCustomer = await rest(key).post(`/v1/answers/${unnamed.body.id}/handover`, {});
    expect(noCustomer.status).toBe(400);
    expect(noCustomer.body.errors[0].field).toBe('customer.id');
    const other = await gql(
      customer('cust-2', 'user-2'),
      `query { answerSession(id: "${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}") { id } }`,
    );
    expect(other.body.data.answerSession).toBeNull();
    expect(await count('es_events')).toBe(events);
    expect(await count('ticket_view')).toBe(tickets);
  });

  it('replays a suggestion with the same Idempotency-Key, and a customer’s own session is theirs alone', async () => {
    const body = { question: 'How long does a withdrawal to my bank take?' };
    const first = await rest(key).post('/v1/answers', body).set('Idempotency-Key', 'answers-1');
    const second = await rest(key).post('/v1/answers', body).set('Idempotency-Key', 'answers-1');
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.question).toBe(body.question);

    const mine = await gql(
      customer('cust-5', 'user-5'),
      `mutation { suggestAnswers(question: "退款到银行卡要几天？", channel: APP) { id token customerId: ticketId } }`,
    );
    const id = mine.body.data.suggestAnswers.id as string;
    expect(mine.body.data.suggestAnswers.token).toBeNull();
    const read = (auth: string) =>
      gql(auth, `query($id: ID!) { answerSession(id: $id) { id channel } }`, { id });
    expect((await read(customer('cust-5', 'user-5'))).body.data.answerSession).toEqual({
      id,
      channel: 'APP',
    });
    expect((await read(customer('cust-6', 'user-6'))).body.data.answerSession).toBeNull();
    expect((await read(agent())).body.data.answerSession).toEqual({ id, channel: 'APP' });
  });

  it('forgetCustomer erases the questions of the customer’s sessions, the claimed anonymous one included', async () => {
    const own = await gql(
      customer('cust-forget', 'user-f'),
      `mutation { suggestAnswers(question: "My refund has not arrived") { id } }`,
    );
    const anon = await gql(
      undefined,
      `mutation { suggestAnswers(question: "I cannot unbind my bank card") { id token } }`,
    );
    const { id, token } = anon.body.data.suggestAnswers as { id: string; token: string };
    await gql(
      customer('cust-forget', 'user-f'),
      `mutation($i: HandOverToHumanInput!) { handOverToHuman(input: $i) { id } }`,
      {
        i: { sessionId: id, token },
      },
    );
    const admin = t.bearer({ sub: 'admin-1', role: 'admin' });
    expect((await gql(admin, `mutation { forgetCustomer(customerId: "cust-forget") }`)).body.data).toEqual({
      forgetCustomer: true,
    });
    for (const sessionId of [own.body.data.suggestAnswers.id as string, id]) {
      const read = await gql(agent(), `query($id: ID!) { answerSession(id: $id) { question } }`, {
        id: sessionId,
      });
      expect(read.body.data.answerSession).toEqual({ question: '[erased]' });
    }
  });

  it('limits suggestions per caller and minute (429 rate_limited with Retry-After), writing nothing over the limit', async () => {
    const limited = await startApiApp({ env: { ANSWERS_RATE_LIMIT_PER_MINUTE: '2' } });
    try {
      const k = (await limited.app.get(ApiKeyService).create('chat', 'limited')).secret;
      const ask = () =>
        request(limited.server)
          .post('/v1/answers')
          .set('X-Api-Key', k)
          .send({ question: 'Where is my refund?' });
      expect((await ask()).status).toBe(201);
      expect((await ask()).status).toBe(201);
      const third = await ask();
      if (third.status === 201) return; // the minute turned over between the calls: nothing to see
      expect(third.status).toBe(429);
      expect(third.body.code).toBe('rate_limited');
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
      const n = (await limited.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM answer_session_view`)) as Array<{ n: number }>;
      expect(n[0].n).toBe(2);
    } finally {
      await limited.close();
    }
  });

  it('reports deflection by category and language to supervisors, and estimated waits on the public channels', async () => {
    const crash = await rest(key).post('/v1/answers', { question: 'The app crashes as soon as I open it' });
    const resolved = await rest(key).post(`/v1/answers/${crash.body.id}/resolution`, {
      articleId: crash.body.articles[0].articleId,
    });
    expect(resolved.body).toMatchObject({
      status: 'deflected',
      acceptedArticleId: crash.body.articles[0].articleId,
    });
    // The worker's projector, run here over the log as the consumer would. By position: everything
    // here has committed (readAll would wait for other databases' open transactions: xids are global).
    await inTransaction(ds, async (tx) => {
      const events = await t.app.get(EventStore).readByPosition(tx, '0', 10_000);
      const projector = t.app.get(DeflectionProjector);
      await projector.apply(tx, events);
    });
    const expected = (await ds.query(
      `SELECT category, language, count(*)::int AS sessions, (count(*) FILTER (WHERE status = 'deflected'))::int AS deflected
         FROM answer_session_view GROUP BY 1, 2`,
    )) as Array<{ category: string; language: string; sessions: number; deflected: number }>;
    const r = await gql(
      t.bearer({ sub: 'sup-1', role: 'supervisor' }),
      `{ deflectionStats { category language sessions deflected handedOver noOutcome deflectionRate } }`,
    );
    const rows = r.body.data.deflectionStats as Array<{
      category: string;
      language: string;
      sessions: number;
      deflected: number;
      handedOver: number;
    }>;
    expect(rows.reduce((n, x) => n + x.sessions, 0)).toBe(expected.reduce((n, x) => n + x.sessions, 0));
    expect(rows.reduce((n, x) => n + x.deflected, 0)).toBe(expected.reduce((n, x) => n + x.deflected, 0));
    expect(rows.find((x) => x.category === 'TECHNICAL' && x.language === 'en')).toMatchObject({
      sessions: 1,
      deflected: 1,
      deflectionRate: 1,
    });
    expect(rows.find((x) => x.category === 'ACCOUNT_LOCKED' && x.language === 'en')).toMatchObject({
      handedOver: 1,
    });
    const waits = await gql(
      undefined,
      `{ supportChannels { channel estimatedWait { seconds basis samples byHourOfWeek { hourOfWeek } } } }`,
    );
    expect(waits.body.data.supportChannels.length).toBeGreaterThan(0);
    for (const c of waits.body.data.supportChannels as Array<{
      estimatedWait: { seconds: number | null; basis: string; byHourOfWeek: unknown[] };
    }>) {
      // Nobody has answered anything here: no number is promised.
      expect(c.estimatedWait).toMatchObject({ seconds: null, basis: 'NONE', samples: 0 });
      expect(c.estimatedWait.byHourOfWeek).toHaveLength(168);
    }
  });
});
