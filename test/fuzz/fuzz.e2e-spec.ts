import fc from 'fast-check';
import { sign } from 'jsonwebtoken';
import request from 'supertest';
import { coverage, discoverGraphqlOperations, discoverRestRoutes } from '../security/support/discover';
import { AddressInfo } from 'node:net';
import { Json, RoleName, World, createWorld } from '../security/support/world';
import { FUZZ_RUNS, FUZZ_SEED, documentedCodes, documentedGraphqlCodes } from './hostile';
import { FUZZ_MUTATIONS } from './mutations';
import { FUZZ_ROUTES, FuzzRequest } from './routes';

// Random and hostile payloads at every REST route and GraphQL mutation (tables in routes.ts and
// mutations.ts): never a 5xx, every refusal a problem code of API.md, nothing written by a refused
// request (row counts of every table before and after). FUZZ_RUNS sets the runs per property.

const show = (v: unknown): string => (JSON.stringify(v) ?? String(v)).slice(0, 2000);
const PRINTABLE = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));

describe('fuzzing (e2e)', () => {
  let w: World;
  let tables: string[];
  const codes = documentedCodes();
  const gqlCodes = documentedGraphqlCodes();
  // Counterexamples can be megabytes: the report keeps the seed (FUZZ_SEED replays it) and a summary.
  const params: fc.Parameters<unknown[]> = {
    numRuns: FUZZ_RUNS,
    seed: FUZZ_SEED,
    endOnFailure: true,
    asyncReporter: async (out) => {
      if (!out.failed) return;
      const cause =
        out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance);
      throw new Error(
        `failed after ${out.numRuns} runs (FUZZ_SEED=${out.seed}): ${cause.slice(0, 1500)}\ncounterexample: ${show(out.counterexample).slice(0, 800)}`,
      );
    },
  };

  beforeAll(async () => {
    w = await createWorld();
    tables = (
      (await w.ds.query(
        `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
      )) as Array<{ tablename: string }>
    ).map((r) => r.tablename);
  }, 60_000);
  afterAll(async () => w?.close());

  /** Rows per table: what "nothing written" compares. */
  const snapshot = async (): Promise<Record<string, number>> => {
    const rows = (await w.ds.query(
      tables.map((t) => `SELECT '${t}' AS t, count(*)::int AS n FROM "${t}"`).join(' UNION ALL '),
    )) as Array<{ t: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.t, r.n]));
  };

  /** Sends the body as serialised here (any JSON value, or raw bytes), never through supertest's encoder. */
  /**
   * Sends exactly these bytes (fetch, not supertest: superagent would serialise a Buffer as
   * {"type":"Buffer",...} and re-encode strings, hiding invalid UTF-8).
   */
  const send = async (
    role: RoleName,
    method: string,
    req: FuzzRequest,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; headers: Record<string, string>; body: Json; text: string }> => {
    const raw =
      req.raw ?? (req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body) ?? 'null'));
    const port = (w.t.server.address() as AddressInfo).port;
    const res = await fetch(`http://127.0.0.1:${port}${req.path}`, {
      method,
      headers: { ...w.headers[role], ...headers, ...(raw ? { 'Content-Type': 'application/json' } : {}) },
      body: raw,
    });
    const text = await res.text();
    let body: Json;
    try {
      body = JSON.parse(text) as Json;
    } catch {
      body = { text: text.slice(0, 200) };
    }
    return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body, text };
  };

  /** The REST invariants of one hostile request. */
  const restCheck = async (
    role: RoleName,
    method: string,
    req: FuzzRequest,
    headers?: Record<string, string>,
  ) => {
    const before = await snapshot();
    const res = await send(role, method, req, headers);
    const what = `${method} ${req.path.slice(0, 200)} → ${res.status} ${show(res.body).slice(0, 300)}`;
    if (res.status >= 500) throw new Error(`server error: ${what}`);
    if (res.status >= 400) {
      if (!/application\/problem\+json/.test(String(res.headers['content-type'])))
        throw new Error(`not a problem document: ${what}`);
      if (!codes.has(res.body?.code)) throw new Error(`undocumented problem code: ${what}`);
      const after = await snapshot();
      expect({ what, after }).toEqual({ what, after: before });
    }
    return res;
  };

  describe('completeness', () => {
    it('every REST route has a generator in routes.ts (and every generator a route)', async () => {
      const { missing, stale } = coverage(
        await discoverRestRoutes(w.t),
        FUZZ_ROUTES.map((r) => r.route),
      );
      expect({ missing, stale }).toEqual({ missing: [], stale: [] });
    });

    it('every GraphQL mutation has a generator in mutations.ts (and every generator a mutation)', () => {
      const { missing, stale } = coverage(
        discoverGraphqlOperations(w.t).filter((o) => o.startsWith('Mutation.')),
        FUZZ_MUTATIONS.map((r) => r.operation),
      );
      expect({ missing, stale }).toEqual({ missing: [], stale: [] });
    });
  });

  describe('REST bodies, ids and query strings', () => {
    it.each(FUZZ_ROUTES.map((r) => [r.route, r]))(
      '%s',
      async (_route, row) => {
        const method = row.route.split(' ')[0];
        await fc.assert(
          fc.asyncProperty(row.input(w), async (req) => {
            await restCheck(row.as, method, req);
          }),
          params,
        );
      },
      120_000,
    );
  });

  describe('GraphQL mutations', () => {
    it.each(FUZZ_MUTATIONS.map((r) => [r.operation, r]))(
      '%s',
      async (_op, row) => {
        await fc.assert(
          fc.asyncProperty(row.variables(w), async (variables) => {
            const before = await snapshot();
            const r = await w.gql(row.as, row.query, variables);
            const what = `${row.operation} → ${r.status} ${show(r.errors ?? r.data).slice(0, 300)}`;
            if (r.status >= 500) throw new Error(`server error: ${what}`);
            if (r.errors?.length) {
              const unknown = r.errors.filter((e) => !gqlCodes.has(e.extensions?.code ?? ''));
              if (unknown.length) throw new Error(`undocumented error code: ${what}`);
              expect({ what, after: await snapshot() }).toEqual({ what, after: before });
            }
          }),
          params,
        );
      },
      120_000,
    );
  });

  describe('invalid Unicode and NUL (found by this suite: they were 500s)', () => {
    it.each([
      ['lone surrogate', 'x\uD800'],
      ['NUL', 'x\u0000y'],
    ])('a %s in a REST body field is 400 validation_failed, nothing written', async (_what, text) => {
      for (const [path, body] of [
        [`/v1/tickets/${w.ids.ticketX}/messages`, { body: text }],
        [
          '/v1/tickets',
          { subject: text, description: 'd', category: 'payment_failed', customer: { id: 'c' } },
        ],
      ] as const) {
        const res = await restCheck('partnerX', 'POST', { path, body });
        expect(res.body.code).toBe('validation_failed');
      }
    });

    // Refused before Apollo, like a malformed JSON body: 400 problem+json validation_failed.
    it('every GraphQL mutation refuses a lone surrogate in each input field (400), nothing written', async () => {
      for (const row of FUZZ_MUTATIONS.filter((r) => r.valid)) {
        for (const field of Object.keys(row.valid?.(w) ?? {})) {
          const before = await snapshot();
          const r = await send(row.as, 'POST', {
            path: '/graphql',
            body: { query: row.query, variables: { i: { ...row.valid?.(w), [field]: '\uD800' } } },
          });
          expect({
            op: row.operation,
            field,
            status: r.status,
            code: r.body.code,
          }).toEqual({
            op: row.operation,
            field,
            status: 400,
            code: 'validation_failed',
          });
          expect(await snapshot()).toEqual(before);
        }
      }
      // One request and two table snapshots per input field of every mutation: it grows with each module.
    }, 120_000);
  });

  // Found by this suite: a null phone reached the decider's trim() (500).
  it('null in the optional fields of account recovery means absent, not a 500', async () => {
    const opened = await restCheck('partnerX', 'POST', {
      path: '/v1/account-recovery',
      body: {
        kind: 'locked',
        customer: { id: 'cust-a', name: null, email: null, phone: null },
        description: 'd',
        language: null,
      },
    });
    expect(opened.status).toBe(201);
    const submitted = await restCheck('partnerX', 'POST', {
      path: `/v1/account-recovery/${opened.body.id}/verification`,
      body: {
        fullName: 'Li Wei',
        documentType: 'passport',
        documentNumber: 'E12345678',
        phone: null,
        email: null,
      },
    });
    expect(submitted.status).toBe(202);
  });

  describe('header abuse', () => {
    const ticket = { subject: 's', description: 'd', category: 'payment_failed', customer: { id: 'cust-a' } };

    it('Idempotency-Key of any length and content: a ticket or a documented refusal, nothing written', async () => {
      const key = fc.oneof(
        fc.string({ unit: PRINTABLE, maxLength: 400 }),
        fc.constantFrom(0, 1, 255, 256, 257, 1024, 8000).map((n) => 'k'.repeat(n)),
      );
      await fc.assert(
        fc.asyncProperty(key, async (k) => {
          await restCheck(
            'partnerX',
            'POST',
            { path: '/v1/tickets', body: ticket },
            { 'Idempotency-Key': k },
          );
        }),
        params,
      );
    }, 120_000);

    const secret = () => w.t.config.jwtSecret;
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const forged = () => {
      const claims = { sub: 'x', role: 'admin', exp: Math.floor(Date.now() / 1000) + 600 };
      return fc.oneof(
        fc.string({ unit: PRINTABLE, maxLength: 3000 }),
        fc.constantFrom(
          `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, // alg=none
          `${b64({ alg: 'none' })}.${b64(claims)}`,
          `${b64({ alg: 'HS256' })}.${b64(claims)}.${'A'.repeat(43)}`, // bad signature
          sign(claims, 'some-other-secret-of-length'),
          sign(claims, secret(), { algorithm: 'HS512' }),
          sign({ ...claims, exp: 1 }, secret()), // expired
          sign({ sub: 'x', role: 'root' }, secret(), { expiresIn: 60 }), // unknown role
          sign({ sub: 'x', role: 'customer' }, secret(), { expiresIn: 60 }), // customer without customerId
          'e30.e30.e30',
          '....',
        ),
      );
    };

    it('bogus bearer tokens (alg=none, forged, expired, garbage) are 401 on REST, nothing written', async () => {
      await fc.assert(
        fc.asyncProperty(
          forged(),
          fc.constantFrom('Bearer ', 'bearer ', '', 'Basic '),
          async (token, scheme) => {
            const res = await restCheck(
              'none',
              'POST',
              { path: '/v1/tickets', body: ticket },
              { Authorization: `${scheme}${token}` },
            );
            expect(res.status).toBe(401);
          },
        ),
        params,
      );
    }, 120_000);

    it('bogus bearer tokens and API keys get UNAUTHENTICATED on GraphQL', async () => {
      await fc.assert(
        fc.asyncProperty(forged(), fc.boolean(), async (token, asKey) => {
          const header = asKey ? { 'X-Api-Key': token.trim() || 'x' } : { Authorization: `Bearer ${token}` };
          const res = await request(w.t.server)
            .post('/graphql')
            .set(header)
            .send({ query: 'mutation { revokeApiKey(id: "x") { id } }' });
          expect(res.status).toBeLessThan(500);
          expect(res.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        }),
        params,
      );
    }, 120_000);

    it('both an API key and a token, and oversized headers, are refused cleanly', async () => {
      const both = await restCheck('partnerX', 'GET', { path: '/v1/tickets' }, w.headers.admin);
      expect(both.status).toBe(401);
      // Beyond Node's header limit (16 KiB) the HTTP parser answers 431 before Kefu sees anything.
      const huge = await request(w.t.server).get('/v1/tickets').set('X-Api-Key', 'k'.repeat(20_000));
      expect(huge.status).toBe(431);
      expect((await request(w.t.server).get('/health/live')).status).toBe(200);
    });
  });
});
