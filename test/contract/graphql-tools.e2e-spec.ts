import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, ObservableQuery, gql } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';
import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { buildSchema, printSchema } from 'graphql';
import { createClient } from 'graphql-ws';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import WebSocket from 'ws';
import { ApiKeyService } from '@kefu/platform';
import { ApiTestApp, startApiApp } from '../e2e/support/api-app';

// The served GraphQL schema as frontend developers' own tools see it: @graphql-inspector's diff
// against the contract, a real Apollo Client (InMemoryCache + relayStylePagination) paging
// `tickets` and seeing a mutation land in its cache without a refetch, and a graphql-ws client
// receiving `ticketUpdated`.

// The contract lives beside the checkout (../shared/design, as for graphql-contract.e2e-spec.ts);
// a checkout without it uses the copy committed here, so the diff always runs.
const SHARED_CONTRACT = join(__dirname, '../../../shared/design/schema.graphql');
const COMMITTED_CONTRACT = join(__dirname, 'schema.contract.graphql');
const CONTRACT = existsSync(SHARED_CONTRACT) ? SHARED_CONTRACT : COMMITTED_CONTRACT;
if (
  CONTRACT === SHARED_CONTRACT &&
  readFileSync(SHARED_CONTRACT, 'utf8') !== readFileSync(COMMITTED_CONTRACT, 'utf8')
)
  process.stderr.write(
    `graphql-tools: ${COMMITTED_CONTRACT} differs from the shared contract; copy it over.\n`,
  );

const TICKETS = gql`
  query Tickets($filter: TicketFilter, $first: Int, $after: String) {
    tickets(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          number
          status
          version
          tags
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
      totalCount
    }
  }
`;
const SET_STATUS = gql`
  mutation SetStatus($input: SetTicketStatusInput!) {
    setTicketStatus(input: $input) {
      id
      status
      version
    }
  }
`;

interface TicketNode {
  id: string;
  number: string;
  status: string;
  version: number;
  tags: string[];
}
interface TicketsData {
  tickets: {
    edges: Array<{ cursor: string; node: TicketNode }>;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    totalCount: number;
  };
}

async function until<T>(read: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = read();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not seen in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('GraphQL with frontend tools (@graphql-inspector, Apollo Client, graphql-ws)', () => {
  jest.setTimeout(60_000);
  let t: ApiTestApp;
  let port: number;
  let supervisor: string;
  const tag = `apollo-${randomBytes(4).toString('hex')}`;
  const ticketIds: string[] = [];

  beforeAll(async () => {
    t = await startApiApp();
    const addr = t.server.address();
    if (!addr || typeof addr === 'string') throw new Error('the API is not listening on a port');
    port = addr.port;
    supervisor = t.bearer({ sub: 'sup-1', role: 'supervisor', name: 'Sun' });
    const key = (await t.app.get(ApiKeyService).create('chat', 'apollo-partner')).secret;
    for (let n = 1; n <= 5; n++) {
      const res = await request(t.server)
        .post('/v1/tickets')
        .set('X-Api-Key', key)
        .send({
          subject: `Card cannot be unbound #${n}`,
          description: 'A pending transaction blocks it',
          category: 'card_unbinding',
          customer: { id: `acc-apollo-${n}` },
          tags: [tag],
        })
        .expect(201);
      ticketIds.push((res.body as { id: string }).id);
    }
  });
  afterAll(() => t?.close());

  it('@graphql-inspector finds no breaking change from the contract to the served schema', async () => {
    const contract = buildSchema(readFileSync(CONTRACT, 'utf8'));
    // Printed and rebuilt, as a client generating code from introspection would see it.
    const served = buildSchema(printSchema(t.app.get(GraphQLSchemaHost).schema));
    const changes = await diff(contract, served);
    const breaking = changes.filter((c) => c.criticality.level === CriticalityLevel.Breaking);
    expect(breaking.map((c) => `${c.path ?? ''}: ${c.message}`)).toEqual([]);
    // It does report one: a contract field the server lacks.
    const ahead = buildSchema(`${readFileSync(CONTRACT, 'utf8')}\nextend type Query { notServedYet: Int }`);
    const missing = (await diff(ahead, served)).filter(
      (c) => c.criticality.level === CriticalityLevel.Breaking,
    );
    expect(missing.map((c) => c.path)).toEqual(['Query.notServedYet']);
  });

  it('Apollo Client pages `tickets` with relayStylePagination and sees a mutation in its cache without refetching', async () => {
    let requests = 0;
    const counting = new ApolloLink((operation, forward) => {
      requests++;
      return forward(operation);
    });
    const client = new ApolloClient({
      link: ApolloLink.from([
        counting,
        new HttpLink({ uri: `http://127.0.0.1:${port}/graphql`, headers: { authorization: supervisor } }),
      ]),
      cache: new InMemoryCache({
        typePolicies: { Query: { fields: { tickets: relayStylePagination(['filter', 'orderBy']) } } },
      }),
    });
    try {
      const watched: ObservableQuery<TicketsData> = client.watchQuery<TicketsData>({
        query: TICKETS,
        variables: { filter: { tag }, first: 2 },
      });
      let latest: TicketsData | undefined;
      const sub = watched.subscribe(({ data }) => {
        if (data && 'tickets' in data) latest = data as TicketsData;
      });
      try {
        await until(() => latest, 'the first page');
        let pages = 1;
        while (latest!.tickets.pageInfo.hasNextPage) {
          const before = latest!.tickets.edges.length;
          await watched.fetchMore({ variables: { after: latest!.tickets.pageInfo.endCursor } });
          await until(
            () => (latest!.tickets.edges.length > before ? latest : undefined),
            `page ${pages + 1}`,
          );
          pages++;
        }
        // Three pages of 2, merged into one list by the Relay policy, in the server's order.
        expect(pages).toBe(3);
        expect([...latest!.tickets.edges.map((e) => e.node.id)].sort()).toEqual([...ticketIds].sort());
        expect(latest!.tickets.totalCount).toBe(5);

        const target = latest!.tickets.edges[3].node;
        expect(target.status).toBe('NEW');
        const sent = requests;
        const result = await client.mutate<{ setTicketStatus: { id: string; status: string } }>({
          mutation: SET_STATUS,
          variables: { input: { ticketId: target.id, status: 'PENDING' } },
        });
        expect(result.data?.setTicketStatus.status).toBe('PENDING');
        // The normalized Ticket entry changed: the watched list shows it, with no query sent.
        const updated = await until(() => {
          const node = latest!.tickets.edges.find((e) => e.node.id === target.id)?.node;
          return node?.status === 'PENDING' ? node : undefined;
        }, 'the mutation in the watched list');
        expect(updated.version).toBeGreaterThan(target.version);
        expect(latest!.tickets.edges).toHaveLength(5);
        expect(requests - sent).toBe(1); // the mutation only
      } finally {
        sub.unsubscribe();
      }
    } finally {
      client.stop();
    }
  });

  it('a graphql-ws client receives ticketUpdated when the ticket changes', async () => {
    const ws = createClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: supervisor },
      retryAttempts: 0,
    });
    const received: Array<{ id: string; status: string; tags: string[] }> = [];
    const errors: unknown[] = [];
    const id = ticketIds[0];
    const stop = ws.subscribe<{ ticketUpdated: { id: string; status: string; tags: string[] } }>(
      { query: `subscription($id: ID!) { ticketUpdated(id: $id) { id status tags } }`, variables: { id } },
      {
        next: (v) => {
          if (v.data) received.push(v.data.ticketUpdated);
          if (v.errors) errors.push(v.errors);
        },
        error: (e) => errors.push(e),
        complete: () => undefined,
      },
    );
    try {
      // No initial value: change the ticket until the subscription (registered asynchronously) hears it.
      const mark = `ws-${randomBytes(3).toString('hex')}`;
      for (let i = 0; i < 20 && received.length === 0 && errors.length === 0; i++) {
        const r = await request(t.server)
          .post('/graphql')
          .set('Authorization', supervisor)
          .send({
            query: `mutation($i: TagTicketInput!) { tagTicket(input: $i) { id } }`,
            variables: { i: { ticketId: id, add: [`${mark}-${i}`] } },
          })
          .expect(200);
        expect((r.body as { errors?: unknown }).errors).toBeUndefined();
        await until(() => (received.length ? true : undefined), 'ticketUpdated', 300).catch(() => undefined);
      }
      expect(errors).toEqual([]);
      expect(received[0]).toMatchObject({ id, tags: expect.arrayContaining([tag]) });
      expect(received[0].tags.some((x) => x.startsWith(mark))).toBe(true);
    } finally {
      stop();
      await ws.dispose();
    }
  });
});
