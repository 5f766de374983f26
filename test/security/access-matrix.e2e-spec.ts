import { createClient } from 'graphql-ws';
import { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { GRAPHQL_MATRIX, GqlCall, GqlOutcome } from './access-matrix.graphql';
import { REST_MATRIX } from './access-matrix.rest';
import { coverage, discoverGraphqlOperations, discoverRestRoutes } from './support/discover';
import { ROLES, RoleName, World, createWorld } from './support/world';

// Every REST route and GraphQL root field × the nine roles, against the tables in
// access-matrix.rest.ts / access-matrix.graphql.ts. The first two tests fail when the app serves a
// route or operation the tables do not list (or list one that is gone): add the rows.

describe('access matrix (e2e)', () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld();
  }, 60_000);
  afterAll(async () => w?.close());

  /** No successful answer of a role may carry another tenant's object ids. */
  const assertNoLeak = (role: RoleName, body: unknown) => {
    const text = JSON.stringify(body ?? null);
    const leaked = w.foreign[role].filter((id) => text.includes(id));
    expect(leaked).toEqual([]);
  };

  describe('completeness', () => {
    it('every REST route the app serves has a row in access-matrix.rest.ts (and every row a route)', async () => {
      const { missing, stale } = coverage(
        await discoverRestRoutes(w.t),
        REST_MATRIX.map((r) => r.route),
      );
      expect({ missing, stale }).toEqual({ missing: [], stale: [] });
    });

    it('every GraphQL operation has a row in access-matrix.graphql.ts (and every row an operation)', () => {
      const { missing, stale } = coverage(
        discoverGraphqlOperations(w.t),
        GRAPHQL_MATRIX.map((r) => r.operation),
      );
      expect({ missing, stale }).toEqual({ missing: [], stale: [] });
    });
  });

  describe('REST', () => {
    const cells = REST_MATRIX.flatMap((row) => ROLES.map((role) => [row, role] as const));
    it.each(
      cells.map(([row, role]) => [`${row.route}${row.case ? ` (${row.case})` : ''} as ${role}`, row, role]),
    )('%s', async (_name, row, role) => {
      const { path, body } = await row.request(w, role);
      const method = row.route.split(' ')[0];
      const res = await w.rest(role, method, path, body);
      expect({ status: res.status, code: res.status >= 400 ? res.body?.code : undefined }).toMatchObject({
        status: row.expect[role],
      });
      if (res.status < 300) assertNoLeak(role, res.body);
      else if (res.status !== 404) expect(res.headers['content-type']).toMatch(/problem\+json/);
    });
  });

  describe('GraphQL', () => {
    const cells = GRAPHQL_MATRIX.flatMap((row) => ROLES.map((role) => [row, role] as const));
    it.each(
      cells.map(([row, role]) => [
        `${row.operation}${row.case ? ` (${row.case})` : ''} as ${role}`,
        row,
        role,
      ]),
    )('%s', async (_name, row, role) => {
      const call = await row.request(w, role);
      const field = row.operation.split('.')[1];
      const outcome = row.operation.startsWith('Subscription.')
        ? await subscriptionOutcome(role, call, row.trigger)
        : await operationOutcome(role, call, field);
      expect(outcome).toBe(row.expect[role]);
    });
  });

  async function operationOutcome(role: RoleName, call: GqlCall, field: string): Promise<GqlOutcome> {
    const r = await w.gql(role, call.query, call.variables);
    if (r.errors?.length) return r.errors[0].extensions?.code ?? r.errors[0].message;
    const value = (r.data as Record<string, unknown> | undefined)?.[field];
    if (value === null || value === undefined) return 'null';
    assertNoLeak(role, r.data);
    return 'ok';
  }

  /** Subscribes as the role, changes the ticket, and reports what the subscriber got. */
  async function subscriptionOutcome(
    role: RoleName,
    call: GqlCall,
    trigger?: (w: World) => Promise<unknown>,
  ): Promise<GqlOutcome> {
    const h = w.headers[role];
    const client = createClient({
      url: `ws://127.0.0.1:${(w.t.server.address() as AddressInfo).port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: {
        ...(h.Authorization ? { authorization: h.Authorization } : {}),
        ...(h['X-Api-Key'] ? { 'x-api-key': h['X-Api-Key'] } : {}),
      },
      retryAttempts: 0,
      lazy: true,
    });
    try {
      return await new Promise<GqlOutcome>((resolve) => {
        const timer = setTimeout(() => resolve('nothing arrived'), 5000);
        const done = (o: GqlOutcome) => {
          clearTimeout(timer);
          resolve(o);
        };
        client.subscribe(call, {
          next: (v) => {
            if (v.errors?.length) {
              const code = v.errors[0].extensions?.code;
              done(typeof code === 'string' ? code : v.errors[0].message);
            } else {
              assertNoLeak(role, v.data);
              done('ok');
            }
          },
          error: (e) => {
            const list = Array.isArray(e) ? (e as Array<{ extensions?: { code?: string } }>) : [];
            if (list[0]?.extensions?.code) return done(list[0].extensions.code);
            // A refused connection (no or bad credentials) ends with a close event.
            return done('REFUSED');
          },
          complete: () => done('completed without data'),
        });
        // Once subscribed, a staff change to the ticket must reach whoever may see it.
        setTimeout(() => {
          if (trigger) return void trigger(w);
          void w.gql('admin', 'mutation($i: TagTicketInput!) { tagTicket(input: $i) { id } }', {
            i: { ticketId: w.ids.ticketX, add: [`t${Date.now()}`] },
          });
        }, 400);
      });
    } finally {
      await client.dispose();
    }
  }
});
