import request from 'supertest';
import { SYSTEM } from '@kefu/kernel';
import { DataSource } from 'typeorm';
import { ApiKeyService, inTransaction } from '@kefu/platform';
import { TicketsService } from '@kefu/tickets';
import { ApiTestApp, startApiApp } from './support/api-app';

// docs/adr/0014-client-versions.md, as a client sees it: the worker's own events (here a routing
// assignment and an SLA recalculation) leave the ticket's `version` where it was, so a reply pinned to
// it goes through; a person's change in between is VERSION_CONFLICT. REST shows the same `version`.

type Auth = [header: string, value: string];
interface Gql {
  data?: Record<string, { version: number } | undefined>;
  errors?: Array<{ extensions?: { code?: string } }>;
}

describe('client versions: system events do not make expectedVersion stale (e2e)', () => {
  let t: ApiTestApp;
  let ds: DataSource;
  let ana: Auth;
  let bo: Auth;
  let partner: Auth;

  const gql = async (auth: Auth, query: string, variables: Record<string, unknown>): Promise<Gql> =>
    (await request(t.server).post('/graphql').set(auth[0], auth[1]).send({ query, variables })).body as Gql;
  const REPLY = `mutation($i: ReplyToTicketInput!) { replyToTicket(input: $i) { version } }`;
  const TICKET = `query($id: ID!) { ticket(id: $id) { version } }`;
  const streamVersion = (id: string) =>
    inTransaction(ds, async (tx) => {
      const row = await tx.one<{ v: string }>(
        `SELECT version::text AS v FROM es_streams WHERE stream_id = $1`,
        [id],
      );
      return Number(row?.v ?? 0);
    });

  /** Opened by a partner (REST), as most tickets are; returns the id and the version clients see. */
  const open = async () => {
    const r = await request(t.server)
      .post('/v1/tickets')
      .set(partner[0], partner[1])
      .send({
        subject: 'Refund missing',
        description: 'Merchant says refunded',
        category: 'refund_not_received',
        customer: { id: 'cust-cv' },
      });
    expect(r.status).toBe(201);
    return r.body as { id: string; version: number };
  };
  /** What the worker's routing does: an assignment by the system actor. */
  const routeTo = (ticketId: string, agentId: string) =>
    inTransaction(ds, (tx) =>
      t.app.get(TicketsService).executeIn(tx, SYSTEM, ticketId, 'AssignTicket', { agentId }),
    );

  beforeAll(async () => {
    t = await startApiApp();
    ds = t.app.get(DataSource);
    ana = ['Authorization', t.bearer({ sub: 'agent-ana', role: 'agent', name: 'Ana' })];
    bo = ['Authorization', t.bearer({ sub: 'agent-bo', role: 'agent', name: 'Bo' })];
    partner = ['X-Api-Key', (await t.app.get(ApiKeyService).create('app', 'wallet-app')).secret];
  });
  afterAll(() => t?.close());

  it('GraphQL: routing and an SLA recalculation in between, the pinned reply goes through', async () => {
    const tk = await open();
    const loaded = (await gql(ana, TICKET, { id: tk.id })).data!.ticket!;
    expect(loaded.version).toBe(tk.version);
    const before = await streamVersion(tk.id);
    await routeTo(tk.id, 'agent-bo');
    await t.app.get(TicketsService).recalculateSla(tk.id, 'policy_changed');
    expect(await streamVersion(tk.id)).toBeGreaterThan(before);

    const seen = (await gql(ana, TICKET, { id: tk.id })).data!.ticket!;
    expect(seen.version).toBe(loaded.version);
    const r = await gql(ana, REPLY, {
      i: { ticketId: tk.id, body: 'On it', expectedVersion: loaded.version },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.replyToTicket!.version).toBe(await streamVersion(tk.id));
  });

  it("GraphQL: another agent's reply in between is VERSION_CONFLICT and writes nothing", async () => {
    const tk = await open();
    const first = await gql(bo, REPLY, {
      i: { ticketId: tk.id, body: 'Bo first', expectedVersion: tk.version },
    });
    expect(first.errors).toBeUndefined();
    const before = await streamVersion(tk.id);
    const r = await gql(ana, REPLY, {
      i: { ticketId: tk.id, body: 'Ana late', expectedVersion: tk.version },
    });
    expect(r.errors?.[0]?.extensions?.code).toBe('VERSION_CONFLICT');
    expect(await streamVersion(tk.id)).toBe(before);
  });

  it('REST: the version a partner reads does not move with routing, and moves with a reply', async () => {
    const tk = await open();
    await routeTo(tk.id, 'agent-ana');
    const got = await request(t.server).get(`/v1/tickets/${tk.id}`).set(partner[0], partner[1]);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ version: tk.version });
    const replied = await request(t.server)
      .post(`/v1/tickets/${tk.id}/messages`)
      .set(partner[0], partner[1])
      .send({ body: 'Any news?' });
    expect(replied.status).toBe(201);
    expect((replied.body as { version: number }).version).toBe(await streamVersion(tk.id));
    expect((replied.body as { version: number }).version).toBeGreaterThan(tk.version);
  });
});
