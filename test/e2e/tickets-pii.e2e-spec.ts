import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  ApiKeyService,
  EventStore,
  ProjectionRegistry,
  inTransaction,
  rebuildProjections,
} from '@kefu/platform';
import { TicketViewProjection } from '@kefu/tickets';
import { ApiTestApp, startApiApp } from './support/api-app';

type Json = request.Response['body'];

// Customer contact details on tickets: sealed with the customer's data key in TicketOpened and in
// ticket_view, opened on the way out, `[erased]` everywhere after forgetCustomer.
const NAME = 'Li Wei';
const EMAIL = 'li.wei@example.com';
const PHONE = '+86 138 0000 1234';

describe('ticket contact details are personal data (e2e)', () => {
  let t: ApiTestApp;
  let ds: DataSource;
  let key: string;
  const agent = () => t.bearer({ sub: 'agent-1', role: 'agent', name: 'Ann' });
  const gql = async (query: string, variables: object, authz = agent()): Promise<Json> =>
    (await request(t.server).post('/graphql').set('Authorization', authz).send({ query, variables }))
      .body as Json;
  const TICKET = `query($id: ID!, $at: DateTime) { ticket(id: $id, asOf: $at) { customer { id name email phone }
    timeline { edges { node { type data } } } } }`;
  const open = async (customerId: string) => {
    const r = await request(t.server)
      .post('/v1/tickets')
      .set('X-Api-Key', key)
      .send({
        subject: 'Payment failed',
        description: 'Declined at checkout',
        category: 'payment_failed',
        customer: { id: customerId, name: NAME, email: EMAIL, phone: PHONE },
      });
    expect(r.status).toBe(201);
    return r.body as Json;
  };
  const feed = async () =>
    ((await request(t.server).get('/v1/events?limit=100').set('X-Api-Key', key)).body as Json).data as Json[];
  const pollFeed = async (pred: (items: Json[]) => boolean) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const items = await feed();
      if (pred(items) || Date.now() > deadline) return items;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  beforeAll(async () => {
    t = await startApiApp();
    ds = t.app.get(DataSource);
    key = (await t.app.get(ApiKeyService).create('phone', 'call-centre')).secret;
  });
  afterAll(() => t.close());

  it('stores contact details sealed, serves them opened, masks them in the partner feed', async () => {
    const ticket = await open('acc-pii-1');
    expect(ticket.customer).toEqual({ id: 'acc-pii-1', name: NAME, email: EMAIL, phone: PHONE });
    const stored = JSON.stringify([
      await ds.query(`SELECT data FROM es_events WHERE stream_id = $1`, [ticket.id]),
      await ds.query(`SELECT customer FROM ticket_view WHERE id = $1`, [ticket.id]),
      await ds.query(`SELECT response FROM idempotency_keys`),
    ]);
    for (const v of [NAME, EMAIL, PHONE]) expect(stored).not.toContain(v);

    const now = await gql(TICKET, { id: ticket.id });
    expect(now.data.ticket.customer).toEqual({ id: 'acc-pii-1', name: NAME, email: EMAIL, phone: PHONE });
    expect(now.data.ticket.timeline.edges[0].node.data.customer).toMatchObject({ name: NAME, email: EMAIL });
    const past = await gql(TICKET, { id: ticket.id, at: new Date(Date.now() + 1000).toISOString() });
    expect(past.data.ticket.customer.name).toBe(NAME);

    const items = await pollFeed((i) => i.some((x) => x.data.ticket?.id === ticket.id));
    const created = items.find(
      (x) => x.type === 'ticket.created' && JSON.stringify(x).includes(ticket.id as string),
    );
    expect(created?.data.ticket.customer).toEqual({
      id: 'acc-pii-1',
      name: 'L***',
      email: 'l***@example.com',
      phone: '*******1234',
    });
  });

  it('old clear-text TicketOpened events still read (tolerant reader)', async () => {
    const sealed = await open('acc-template');
    const [ev] = (await ds.query(`SELECT data FROM es_events WHERE stream_id = $1 AND stream_position = 1`, [
      sealed.id,
    ])) as Array<{ data: Record<string, unknown> }>;
    const legacyId = '00000000-0000-4000-8000-000000000001';
    const data = {
      ...ev.data,
      ticketId: legacyId,
      number: 'KF-999999',
      customer: { id: 'acc-legacy', name: 'Old Clear', email: 'old@example.com' },
    };
    await inTransaction(ds, async (tx) => {
      const r = await t.app.get(EventStore).append(tx, {
        streamId: legacyId,
        streamType: 'ticket',
        expectedVersion: 'no_stream',
        events: [{ type: 'TicketOpened', data }],
      });
      await t.app.get(TicketViewProjection).apply(tx, r.events);
    });
    const r = await gql(TICKET, { id: legacyId });
    expect(r.data.ticket.customer).toEqual({
      id: 'acc-legacy',
      name: 'Old Clear',
      email: 'old@example.com',
      phone: null,
    });
  });

  it('forgetCustomer: read model, asOf, timeline and feed show [erased], also after a rebuild; others untouched', async () => {
    const ticket = await open('acc-pii-2');
    const keep = await open('acc-pii-3');
    const admin = t.bearer({ sub: 'admin-1', role: 'admin' });
    const f = await gql(`mutation { forgetCustomer(customerId: "acc-pii-2") }`, {}, admin);
    expect(f.data).toEqual({ forgetCustomer: true });

    const erased = { id: 'acc-pii-2', name: '[erased]', email: '[erased]', phone: '[erased]' };
    const rest = await request(t.server).get(`/v1/tickets/${ticket.id}`).set('X-Api-Key', key);
    expect(rest.body.customer).toEqual(erased);
    const now = await gql(TICKET, { id: ticket.id });
    expect(now.data.ticket.customer).toEqual(erased);
    expect(now.data.ticket.timeline.edges[0].node.data.customer).toEqual(erased);
    const past = await gql(TICKET, { id: ticket.id, at: new Date().toISOString() });
    expect(past.data.ticket.customer).toEqual(erased);
    const created = (await pollFeed((i) => i.some((x) => x.data.ticket?.id === ticket.id))).find(
      (x) => x.type === 'ticket.created' && JSON.stringify(x).includes(ticket.id as string),
    );
    expect(created?.data.ticket.customer).toEqual(erased);

    await rebuildProjections(ds, t.app.get(EventStore), t.app.get(ProjectionRegistry).list());
    expect((await gql(TICKET, { id: ticket.id })).data.ticket.customer).toEqual(erased);
    expect((await gql(TICKET, { id: keep.id })).data.ticket.customer.name).toBe(NAME);
  });

  it("a customer author's name is sealed in messages, opened in GraphQL/REST/timeline, masked in the feed, erased after forgetCustomer", async () => {
    const AUTHOR = 'Wang Fang';
    const ticket = await open('acc-pii-5');
    const customer = t.bearer({ sub: 'u-5', role: 'customer', customerId: 'acc-pii-5', name: AUTHOR });
    const reply = await request(t.server)
      .post(`/v1/tickets/${ticket.id}/messages`)
      .set('Authorization', customer)
      .send({ body: 'Still failing' });
    expect(reply.status).toBe(201);
    const mine = (m: Json) => m.body === 'Still failing';
    expect((reply.body.messages as Json[]).find(mine).author).toEqual({
      kind: 'customer',
      id: 'acc-pii-5',
      name: AUTHOR,
    });
    const stored = JSON.stringify([
      await ds.query(`SELECT data FROM es_events WHERE stream_id = $1`, [ticket.id]),
      await ds.query(`SELECT author_name FROM ticket_messages WHERE ticket_id = $1`, [ticket.id]),
      await ds.query(`SELECT response FROM idempotency_keys`),
    ]);
    expect(stored).toContain('Still failing');
    expect(stored).not.toContain(AUTHOR);

    const MESSAGES = `query($id: ID!, $at: DateTime) { ticket(id: $id, asOf: $at) {
      messages(first: 10) { edges { node { body author { kind id name } } } }
      timeline { edges { node { type data } } } } }`;
    const authorsOf = (r: Json) => ({
      messages: (r.data.ticket.messages.edges as Json[]).map((e) => e.node.author.name as string),
      timeline: (r.data.ticket.timeline.edges as Json[])
        .filter((e) => e.node.type === 'PUBLIC_REPLY_ADDED' || e.node.data?.author)
        .map((e) => e.node.data.author.name as string),
    });
    const now = authorsOf(await gql(MESSAGES, { id: ticket.id }));
    expect(now.messages).toEqual([AUTHOR]);
    expect(now.timeline).toEqual([AUTHOR]);
    const feedAuthor = async (expected: string) => {
      const items = await pollFeed((i) =>
        i.some((x) => x.type === 'ticket.message_added' && x.data.ticket?.id === ticket.id),
      );
      const added = items.find((x) => x.type === 'ticket.message_added' && x.data.ticket?.id === ticket.id);
      expect(added?.data.message.author).toEqual({ kind: 'customer', id: 'acc-pii-5', name: expected });
    };
    await feedAuthor('W***');

    const admin = t.bearer({ sub: 'admin-1', role: 'admin' });
    expect((await gql(`mutation { forgetCustomer(customerId: "acc-pii-5") }`, {}, admin)).data).toEqual({
      forgetCustomer: true,
    });
    const erasedNow = authorsOf(await gql(MESSAGES, { id: ticket.id }));
    expect(erasedNow).toEqual({ messages: ['[erased]'], timeline: ['[erased]'] });
    const asOf = await gql(MESSAGES, { id: ticket.id, at: new Date().toISOString() });
    expect(JSON.stringify(asOf.data)).not.toContain(AUTHOR);
    const rest = await request(t.server).get(`/v1/tickets/${ticket.id}`).set('X-Api-Key', key);
    expect((rest.body.messages as Json[]).find(mine).author.name).toBe('[erased]');
    await feedAuthor('[erased]');

    await rebuildProjections(ds, t.app.get(EventStore), t.app.get(ProjectionRegistry).list());
    expect(authorsOf(await gql(MESSAGES, { id: ticket.id })).messages).toEqual(['[erased]']);
  });
});
