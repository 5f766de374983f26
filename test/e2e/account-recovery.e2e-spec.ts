import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  ApiKeyService,
  EventStore,
  ProjectionRegistry,
  PublicEventSources,
  TokenClaims,
  rebuildProjections,
} from '@kefu/platform';
import { ApiTestApp, startApiApp } from './support/api-app';

type Json = request.Response['body'];
interface Gql {
  data?: Json;
  errors?: Array<{ message: string; extensions?: { code?: string; retryAfterSeconds?: number } }>;
}

const DOC = 'G98765432';
const NAME = 'Zhang Xiaoming';
const EMAIL = 'zhang.xm@example.com';
const PHONE = '+86 139 1234 5678';
const CASE = `id kind status accountFrozen failedVerifications lockedUntil version
  customer { id name email phone }
  verifications { fullName documentType documentNumberLast4 outcome reviewedAt }
  ticket { id category priority tier }`;

describe('account recovery (e2e: REST + GraphQL, real Postgres)', () => {
  let t: ApiTestApp;
  let ds: DataSource;
  let partnerKey: string;
  let otherPartnerKey: string;
  const users: Record<string, TokenClaims> = {
    customer: { sub: 'u-zhang', role: 'customer', customerId: 'acc-zhang' },
    agent: { sub: 'agent-1', role: 'agent', name: 'Ann' },
    senior: { sub: 'senior-1', role: 'senior_agent', name: 'Sam' },
    supervisor: { sub: 'sup-1', role: 'supervisor', name: 'Sue' },
    admin: { sub: 'admin-1', role: 'admin' },
  };
  const auth = (who: keyof typeof users) => t.bearer(users[who]);

  const gql = async (
    who: keyof typeof users,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<Gql> =>
    (await request(t.server).post('/graphql').set('Authorization', auth(who)).send({ query, variables }))
      .body as Gql;
  const post = (path: string, body: object, key = partnerKey) =>
    request(t.server).post(path).set('X-Api-Key', key).send(body);
  const openStolen = (customerId: string, extra: object = {}) =>
    post('/v1/account-recovery', {
      kind: 'stolen',
      customer: { id: customerId, name: NAME, email: EMAIL, phone: PHONE },
      description: 'Someone took over my wallet',
      language: 'zh-CN',
      ...extra,
    });
  const submit = (caseId: string, key = partnerKey) =>
    post(
      `/v1/account-recovery/${caseId}/verification`,
      {
        fullName: NAME,
        documentType: 'national_id',
        documentNumber: DOC,
        phone: PHONE,
      },
      key,
    );
  const review = (caseId: string, approved: boolean, who: keyof typeof users = 'senior') =>
    gql(
      who,
      `mutation($i: ReviewIdentityVerificationInput!) { reviewIdentityVerification(input: $i) { ${CASE} } }`,
      {
        i: { caseId, approved, ...(approved ? {} : { reason: 'document photo unreadable' }) },
      },
    );
  const eventCount = async () =>
    Number(((await ds.query(`SELECT count(*) AS n FROM es_events`)) as Array<{ n: string }>)[0].n);

  beforeAll(async () => {
    t = await startApiApp({ env: { RECOVERY_LOCKOUT_SECONDS: '4' } });
    ds = t.app.get(DataSource);
    const keys = t.app.get(ApiKeyService);
    partnerKey = (await keys.create('phone', 'call-centre')).secret;
    otherPartnerKey = (await keys.create('chat', 'chat-vendor')).secret;
  });
  afterAll(() => t.close());

  it('stolen: 201 with accountFrozen, an urgent account_stolen ticket, and the freeze in the opening transaction', async () => {
    const r = await openStolen('acc-1').set('Idempotency-Key', 'open-acc-1');
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ kind: 'stolen', status: 'awaiting_verification', accountFrozen: true });
    // Partners see contact details masked.
    expect(r.body.customer).toEqual({
      id: 'acc-1',
      name: 'Z*** X***',
      email: 'z***@example.com',
      phone: '*******5678',
    });
    const ticket = await request(t.server).get(`/v1/tickets/${r.body.ticketId}`).set('X-Api-Key', partnerKey);
    expect(ticket.body).toMatchObject({ category: 'account_stolen', priority: 'urgent' });

    let rows = (await ds.query(
      `SELECT event_type, transaction_id::text AS tx, data FROM es_events
        WHERE stream_id IN ($1, $2) ORDER BY global_position`,
      [r.body.id, r.body.ticketId],
    )) as Array<{ event_type: string; tx: string; data: unknown }>;
    // The SLA clocks of the shipped default policy start in the same transaction (Sla* events).
    expect(rows.filter((x) => x.event_type.startsWith('Sla'))).toHaveLength(3);
    rows = rows.filter((x) => !x.event_type.startsWith('Sla'));
    expect(rows.map((x) => x.event_type)).toEqual([
      'TicketOpened',
      'RecoveryCaseOpened',
      'AccountFrozen',
      'VerificationRequested',
    ]);
    expect(new Set(rows.map((x) => x.tx)).size).toBe(1);
    expect(rows[2].data).toMatchObject({
      reason: 'reported_stolen',
      frozenBy: { kind: 'partner', id: 'call-centre' },
      channel: 'phone',
    });
    // Contact details are sealed in the event and the read model; the ticket got only the account id.
    const stored = JSON.stringify(rows) + JSON.stringify(await ds.query(`SELECT * FROM recovery_case_view`));
    for (const secret of [NAME, EMAIL, PHONE]) expect(stored).not.toContain(secret);

    const replay = await openStolen('acc-1').set('Idempotency-Key', 'open-acc-1');
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(r.body.id);
    expect(replay.headers['idempotent-replayed']).toBe('true');
  });

  it('links an existing ticket instead of opening one, raising it to the kind’s priority; one case in progress per ticket', async () => {
    const ticket = await post('/v1/tickets', {
      subject: 'Cannot log in',
      description: 'Someone changed my password',
      category: 'technical',
      customer: { id: 'acc-link' },
    });
    expect(ticket.status).toBe(201);
    expect(ticket.body.priority).toBe('normal');
    const otherCustomer = await post('/v1/account-recovery', {
      kind: 'locked',
      ticketId: ticket.body.id,
      customer: { id: 'acc-someone-else' },
      description: 'x',
    });
    expect(otherCustomer.status).toBe(400);
    const linked = await post('/v1/account-recovery', {
      kind: 'stolen',
      ticketId: ticket.body.id,
      description: 'It was a takeover',
    });
    expect(linked.status).toBe(201);
    expect(linked.body).toMatchObject({
      ticketId: ticket.body.id,
      accountFrozen: true,
      customer: { id: 'acc-link' },
    });
    const after = await request(t.server).get(`/v1/tickets/${ticket.body.id}`).set('X-Api-Key', partnerKey);
    expect(after.body.priority).toBe('urgent');
    const again = await post('/v1/account-recovery', {
      kind: 'locked',
      ticketId: ticket.body.id,
      description: 'x',
    });
    expect(again.status).toBe(409);
    const notYours = await post(
      '/v1/account-recovery',
      { kind: 'locked', ticketId: ticket.body.id, description: 'x' },
      otherPartnerKey,
    );
    expect(notYours.status).toBe(404);
  });

  it('a refused request writes nothing: no case, no ticket, no freeze', async () => {
    const before = await eventCount();
    const bad = await openStolen('acc-2', { language: 'not a language!' });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'language' })]);
    const badKind = await post('/v1/account-recovery', {
      kind: 'hijacked',
      customer: { id: 'x' },
      description: 'd',
    });
    expect(badKind.status).toBe(400);
    expect(await eventCount()).toBe(before);
  });

  it('verify then restore; the account stays frozen through failed reviews; reviewers only; no full document number anywhere', async () => {
    const opened = await openStolen('acc-3');
    const id = opened.body.id as string;
    const sub = await submit(id);
    expect(sub.status).toBe(202);
    expect(sub.body.verifications).toEqual([
      expect.objectContaining({
        fullName: 'Z*** X***',
        documentType: 'national_id',
        documentNumberLast4: '5432',
        outcome: null,
      }),
    ]);

    expect((await review(id, true, 'agent')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const rejected = await review(id, false);
    expect(rejected.data.reviewIdentityVerification).toMatchObject({
      status: 'AWAITING_VERIFICATION',
      accountFrozen: true,
      failedVerifications: 1,
    });
    await submit(id);
    const verified = await review(id, true);
    expect(verified.errors).toBeUndefined();
    // A reviewer reads the name in clear, never the document number.
    expect(verified.data.reviewIdentityVerification).toMatchObject({
      status: 'VERIFIED',
      customer: { name: NAME, email: EMAIL },
      verifications: [
        { fullName: NAME, outcome: 'rejected' },
        { fullName: NAME, outcome: 'approved' },
      ],
    });

    const restore = `mutation($i: RestoreAccountInput!) { restoreAccount(input: $i) { ${CASE} } }`;
    expect((await gql('agent', restore, { i: { caseId: id } })).errors?.[0].extensions?.code).toBe(
      'FORBIDDEN',
    );
    const restored = await gql('supervisor', restore, { i: { caseId: id } });
    expect(restored.data.restoreAccount).toMatchObject({ status: 'RESTORED', accountFrozen: false });
    expect((await gql('supervisor', restore, { i: { caseId: id } })).errors?.[0].extensions?.code).toBe(
      'INVALID_TRANSITION',
    );

    // Every surface: REST, GraphQL (incl. Ticket.recoveryCase and the ticket timeline), public payloads, storage.
    const rest = await request(t.server).get(`/v1/account-recovery/${id}`).set('X-Api-Key', partnerKey);
    const graph = await gql(
      'senior',
      `query($id: ID!, $t: ID!) { recoveryCase(id: $id) { ${CASE} }
         ticket(id: $t) { recoveryCase { id status } timeline { edges { node { type data } } } } }`,
      { id, t: opened.body.ticketId },
    );
    expect(graph.data.ticket.recoveryCase).toEqual({ id, status: 'RESTORED' });
    const stored = (await ds.query(
      `SELECT stream_id, event_id, event_type, data, created_at FROM es_events WHERE stream_id = $1 ORDER BY stream_position`,
      [id],
    )) as Array<{
      stream_id: string;
      event_id: string;
      event_type: string;
      data: unknown;
      created_at: Date;
    }>;
    const sources = t.app.get(PublicEventSources);
    const ticketRef = { id: opened.body.ticketId as string, number: 'KF-1', channel: 'phone' };
    const published = stored
      .map((e) =>
        sources.toPublic(
          'recovery_case',
          {
            eventId: e.event_id,
            streamId: e.stream_id,
            type: e.event_type,
            data: e.data,
            recordedAt: e.created_at,
          },
          ticketRef,
        ),
      )
      .filter(Boolean);
    expect(published.map((p) => p!.type)).toEqual([
      'recovery.opened',
      'recovery.account_frozen',
      'recovery.verified',
      'recovery.account_restored',
    ]);
    expect(published[3]!.data).toMatchObject({
      action: 'unfreeze',
      credentialResetRequired: true,
      customer: { id: 'acc-3' },
    });
    const everything = [
      rest.body,
      graph.data,
      published,
      stored,
      await ds.query(`SELECT * FROM recovery_case_view`),
      await ds.query(`SELECT response FROM idempotency_keys`),
    ];
    const text = JSON.stringify(everything);
    expect(text).not.toContain(DOC);
    expect(text).not.toContain('98765432');
    expect(JSON.stringify([published, stored])).not.toContain(NAME);
  });

  it('three failed verifications lock the case (429 with Retry-After), escalate the ticket to L2, and release after lockedUntil', async () => {
    const id = (await openStolen('acc-4')).body.id as string;
    for (let i = 0; i < 3; i++) {
      expect((await submit(id)).status).toBe(202);
      const r = await review(id, false);
      expect(r.errors).toBeUndefined();
    }
    const locked = await gql('senior', `query($id: ID!) { recoveryCase(id: $id) { ${CASE} } }`, { id });
    expect(locked.data.recoveryCase).toMatchObject({
      status: 'LOCKED_OUT',
      failedVerifications: 3,
      ticket: { tier: 'L2' },
    });
    expect(Date.parse(locked.data.recoveryCase.lockedUntil)).toBeGreaterThan(Date.now());

    const refused = await submit(id);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(4);

    await new Promise((r) => setTimeout(r, (Number(refused.headers['retry-after']) + 0.2) * 1000));
    const after = await submit(id);
    expect(after.status).toBe(202);
    expect(after.body).toMatchObject({
      status: 'verification_submitted',
      lockedUntil: null,
      failedVerifications: 3,
    });
  });

  it('customers see their own cases only; partners what they brought in', async () => {
    const mine = await gql(
      'customer',
      `mutation { openRecoveryCase(input: {kind: PASSWORD_RESET, description: "No SMS code"}) { ${CASE} } }`,
    );
    expect(mine.errors).toBeUndefined();
    expect(mine.data.openRecoveryCase).toMatchObject({
      kind: 'PASSWORD_RESET',
      accountFrozen: false,
      customer: { id: 'acc-zhang' },
      ticket: { category: 'PASSWORD_RESET', priority: 'NORMAL' },
    });
    const other = await gql(
      'customer',
      `mutation { openRecoveryCase(input: {kind: LOCKED, description: "x", customer: {id: "acc-other"}}) { id } }`,
    );
    expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const list = await gql('customer', `{ recoveryCases { totalCount edges { node { customer { id } } } } }`);
    expect(list.data.recoveryCases.totalCount).toBe(1);
    const partnerCase = (await openStolen('acc-5')).body.id as string;
    expect(
      (await gql('customer', `query($id: ID!) { recoveryCase(id: $id) { id } }`, { id: partnerCase })).data
        .recoveryCase,
    ).toBeNull();
    expect(
      (await request(t.server).get(`/v1/account-recovery/${partnerCase}`).set('X-Api-Key', otherPartnerKey))
        .status,
    ).toBe(404);
    expect((await submit(partnerCase, otherPartnerKey)).status).toBe(404);
  });

  it('forgetCustomer (admin): personal fields read as erased everywhere, also after a projection rebuild; the erasure is an event', async () => {
    const id = (await openStolen('acc-forget')).body.id as string;
    await submit(id);
    const q = `query($id: ID!) { recoveryCase(id: $id) { ${CASE} } }`;
    expect((await gql('senior', q, { id })).data.recoveryCase.verifications[0].fullName).toBe(NAME);

    const forget = `mutation($c: ID!) { forgetCustomer(customerId: $c) }`;
    expect((await gql('agent', forget, { c: 'acc-forget' })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await gql('admin', forget, { c: 'acc-forget' })).data.forgetCustomer).toBe(true);

    const erased = {
      customer: { id: 'acc-forget', name: '[erased]', email: '[erased]', phone: '[erased]' },
      verifications: [{ fullName: '[erased]', documentNumberLast4: '[erased]' }],
    };
    expect((await gql('senior', q, { id })).data.recoveryCase).toMatchObject(erased);
    await rebuildProjections(ds, t.app.get(EventStore), t.app.get(ProjectionRegistry).list());
    expect((await gql('senior', q, { id })).data.recoveryCase).toMatchObject({
      ...erased,
      status: 'VERIFICATION_SUBMITTED',
    });
    // Other customers are untouched.
    const other = (await ds.query(`SELECT id FROM recovery_case_view WHERE customer_id = 'acc-3'`)) as Array<{
      id: string;
    }>;
    expect((await gql('senior', q, { id: other[0].id })).data.recoveryCase.customer.name).toBe(NAME);

    const erasure = (await ds.query(
      `SELECT event_type, data FROM es_events WHERE stream_id = 'pii-subject-acc-forget'`,
    )) as Array<{ event_type: string; data: Json }>;
    expect(erasure).toEqual([
      {
        event_type: 'CustomerDataErased',
        data: expect.objectContaining({ customerId: 'acc-forget', keysDestroyed: 1 }),
      },
    ]);
  });
});
