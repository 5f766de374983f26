import { Module } from '@nestjs/common';
import {
  Args,
  Field,
  ID,
  Int,
  ObjectType,
  Parent,
  Query,
  ResolveField,
  Resolver,
  Subscription,
} from '@nestjs/graphql';
import { buildSchema, findBreakingChanges, GraphQLSchema } from 'graphql';
import { createClient } from 'graphql-ws';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import WebSocket from 'ws';
import { CurrentPrincipal, DomainError, JSONScalar, Principal, Public, Roles } from '@kefu/platform';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { ApiTestApp, startApiApp } from './support/api-app';

@ObjectType()
class TestItem {
  @Field(() => ID) id!: string;
  @Field() at!: Date;
  @Field(() => JSONScalar) data!: unknown;
}

@Resolver(() => TestItem)
class TestItemsResolver {
  @Query(() => [TestItem])
  items(@Args('first', { type: () => Int, defaultValue: 20 }) first: number): TestItem[] {
    return Array.from({ length: Math.min(first, 3) }, (_, i) => ({
      id: `i-${i}`,
      at: new Date(Date.UTC(2025, 0, 1, 12)),
      data: { n: i },
    }));
  }

  @ResolveField(() => [TestItem])
  children(
    @Parent() parent: TestItem,
    @Args('first', { type: () => Int, defaultValue: 20 }) first: number,
  ): TestItem[] {
    return this.items(first).map((c) => ({ ...c, id: `${parent.id}.${c.id}` }));
  }

  @Query(() => String)
  missingThing(): string {
    throw DomainError.notFound('Thing', 't-1');
  }

  @Query(() => String)
  brokenThing(): string {
    throw new Error('connection to postgres://admin:hunter2@db failed');
  }

  @Public()
  @Query(() => Date)
  echoTime(@Args('at', { type: () => Date }) at: Date): Date {
    return at;
  }

  @Roles('admin')
  @Query(() => String)
  adminOnly(): string {
    return 'ok';
  }

  @Subscription(() => String, { resolve: (payload: string) => payload })
  whoAmI(@CurrentPrincipal() principal: Principal): AsyncIterableIterator<string> {
    const id = principal.kind === 'user' ? principal.sub : principal.apiKeyId;
    return (async function* () {
      yield id;
    })();
  }
}

@Module({ providers: [TestItemsResolver] })
class TestGraphqlModule {}

describe('GraphQL (e2e)', () => {
  let t: ApiTestApp;
  let agent: string;
  const gql = (query: string, auth?: string, variables?: Record<string, unknown>) => {
    const r = request(t.server).post('/graphql').set('Content-Type', 'application/json');
    if (auth) void r.set('Authorization', auth);
    return r.send({ query, variables });
  };

  beforeAll(async () => {
    t = await startApiApp({ imports: [TestGraphqlModule] });
    agent = t.bearer({ sub: 'a-1', role: 'agent', name: 'Ann' });
  });
  afterAll(() => t?.close());

  it('answers me for an agent token', async () => {
    const r = await gql('{ me { id role name customerId } }', agent).expect(200);
    expect(r.body).toEqual({ data: { me: { id: 'a-1', role: 'AGENT', name: 'Ann', customerId: null } } });
    const customer = t.bearer({ sub: 'u-1', role: 'customer', customerId: 'c-1' });
    expect((await gql('{ me { role customerId } }', customer)).body.data.me).toEqual({
      role: 'CUSTOMER',
      customerId: 'c-1',
    });
  });

  it('answers UNAUTHENTICATED without a token and FORBIDDEN for the wrong role', async () => {
    const r = await gql('{ me { id } }').expect(200);
    expect(r.body.data).toBeNull();
    expect(r.body.errors).toEqual([
      expect.objectContaining({ path: ['me'], extensions: { code: 'UNAUTHENTICATED' } }),
    ]);
    const forbidden = await gql('{ adminOnly }', agent);
    expect(forbidden.body.errors[0].extensions).toEqual({ code: 'FORBIDDEN' });
  });

  it('refuses partners on me (no Role for them)', async () => {
    const { ApiKeyService } = await import('@kefu/platform');
    const { secret } = await t.app.get(ApiKeyService).create('partner', 'p');
    const r = await request(t.server)
      .post('/graphql')
      .set('X-Api-Key', secret)
      .send({ query: '{ me { id } }' });
    expect(r.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('turns a DomainError into its code and hides unknown errors, never with a stack trace', async () => {
    const nf = await gql('{ missingThing }', agent).expect(200);
    expect(nf.body.errors).toEqual([
      {
        message: 'Thing t-1 was not found.',
        locations: [{ line: 1, column: 3 }],
        path: ['missingThing'],
        extensions: { code: 'NOT_FOUND' },
      },
    ]);
    const broken = await gql('{ brokenThing }', agent).set('X-Request-Id', 'gql-trace-1');
    expect(broken.body.errors[0]).toMatchObject({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId: 'gql-trace-1' },
    });
    expect(broken.text).not.toContain('hunter2');
    expect(broken.text).not.toContain('stacktrace');
  });

  it('keeps Apollo codes for invalid queries and variables', async () => {
    const bad = await gql('{ nope }', agent).expect(400);
    expect(bad.body.errors[0].extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
    const parse = await gql('{ me { ', agent).expect(400);
    expect(parse.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const variable = await gql('query($at: DateTime!) { echoTime(at: $at) }', undefined, {
      at: 'tomorrow',
    }).expect(400);
    expect(variable.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('speaks DateTime in UTC ISO 8601 and JSON', async () => {
    const r = await gql('{ echoTime(at: "2025-03-01T10:00:00+02:00") }').expect(200);
    expect(r.body.data.echoTime).toBe('2025-03-01T08:00:00.000Z');
    const items = await gql('{ items(first: 2) { id at data } }', agent).expect(200);
    expect(items.body.data.items).toEqual([
      { id: 'i-0', at: '2025-01-01T12:00:00.000Z', data: { n: 0 } },
      { id: 'i-1', at: '2025-01-01T12:00:00.000Z', data: { n: 1 } },
    ]);
  });

  it('refuses queries deeper than the limit before executing them', async () => {
    const deep = `{ items(first: 1) ${'{ children(first: 1) '.repeat(10)}{ id }${' }'.repeat(10)} }`;
    const r = await gql(deep, agent).expect(400);
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maxDepth: 10 });
    const ok = `{ items(first: 1) ${'{ children(first: 1) '.repeat(8)}{ id }${' }'.repeat(8)} }`;
    expect((await gql(ok, agent).expect(200)).body.errors).toBeUndefined();
  });

  it('refuses queries above the complexity limit (lists cost first × children)', async () => {
    const r = await gql('{ items(first: 100) { id children(first: 100) { id } } }', agent).expect(400);
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', maxComplexity: 2000 });
    await gql('{ items(first: 10) { id children(first: 10) { id } } }', agent).expect(200);
  });

  it('serves a schema without breaking changes to the contract parts it owns', () => {
    const served: GraphQLSchema = t.app.get(GraphQLSchemaHost).schema;
    const contract = buildSchema(`
      scalar DateTime
      scalar JSON
      enum Role { CUSTOMER AGENT SENIOR_AGENT SUPERVISOR ADMIN }
      type Viewer { id: ID! role: Role! name: String customerId: ID }
      type Query { me: Viewer! }
    `);
    expect(findBreakingChanges(contract, served)).toEqual([]);
  });

  describe('subscriptions over graphql-ws', () => {
    const url = () => `ws://127.0.0.1:${(t.server.address() as AddressInfo).port}/graphql`;
    const subscribeOnce = (connectionParams: Record<string, unknown>) =>
      new Promise<{ data?: unknown; error?: unknown }>((resolve) => {
        const client = createClient({
          url: url(),
          webSocketImpl: WebSocket,
          connectionParams,
          retryAttempts: 0,
          lazy: true,
        });
        const done = (v: { data?: unknown; error?: unknown }) => {
          void client.dispose();
          resolve(v);
        };
        client.subscribe(
          { query: 'subscription { whoAmI }' },
          {
            next: (v) => done({ data: v.data }),
            error: (error) => done({ error }),
            complete: () => undefined,
          },
        );
      });

    it('authenticates from connectionParams.authorization', async () => {
      expect(await subscribeOnce({ authorization: agent })).toEqual({ data: { whoAmI: 'a-1' } });
    });

    it('refuses connections without valid credentials', async () => {
      for (const params of [{}, { authorization: 'Bearer nope' }]) {
        const r = await subscribeOnce(params);
        expect(r.error).toMatchObject({ code: 4403 });
      }
    });
  });
});
