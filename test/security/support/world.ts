import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ApiKeyService } from '@kefu/platform';
import { AgentsService } from '@kefu/agents';
import { ApiTestApp, startApiApp } from '../../e2e/support/api-app';

/**
 * The callers of the access matrix and the fuzz suite: nobody, two customers, two partner tenants
 * and the four staff roles. Customer A's cases come in through partner X, customer B's through Y.
 */
export const ROLES = [
  'none',
  'customerA',
  'customerB',
  'partnerX',
  'partnerY',
  'agent',
  'senior',
  'supervisor',
  'admin',
] as const;
export type RoleName = (typeof ROLES)[number];

/** Untyped JSON, as supertest hands response bodies over. */
export type Json = request.Response['body'];

export interface GqlResult {
  status: number;
  contentType: string;
  /** Set when the request was refused before GraphQL ran (a problem+json document). */
  problemCode?: string;
  data?: Json;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

export const AGENT_ID = 'agent-1';

/** How far freshRecovery takes a case: each stage is the one its next command needs. */
export type RecoveryStage = 'awaiting_verification' | 'verification_submitted' | 'verified' | 'restored';

export interface World {
  t: ApiTestApp;
  ds: DataSource;
  /** The credential headers of each role (none: no header). */
  headers: Record<RoleName, Record<string, string>>;
  /** Objects seeded once: partner X's ticket of customer A and webhook; the same for Y/B. */
  ids: {
    ticketX: string;
    ticketY: string;
    webhookX: string;
    webhookY: string;
    disputeX: string;
    refundX: string;
    /** Account recovery cases (awaiting verification): X's for customer A, Y's for customer B. */
    recoveryX: string;
    recoveryY: string;
    /** An SLA policy (for setSlaPolicyChannels). */
    slaPolicy: string;
  };
  /** Ids a role must never see in a successful answer (someone else's data). */
  foreign: Record<RoleName, string[]>;
  rest(
    role: RoleName,
    method: string,
    path: string,
    body?: unknown,
    extra?: Record<string, string>,
  ): Promise<request.Response>;
  gql(role: RoleName, query: string, variables?: Record<string, unknown>): Promise<GqlResult>;
  /** A new ticket of partner X's for customer A (for operations that change it). */
  freshTicket(): Promise<string>;
  /** A new webhook endpoint of partner X. */
  freshWebhook(): Promise<string>;
  /** A new dispute / refund of partner X's for customer A. */
  freshDispute(): Promise<string>;
  freshRefund(): Promise<string>;
  /** A new recovery case of partner X's for customer A, taken (by X and a supervisor) to `stage`. */
  freshRecovery(stage?: RecoveryStage): Promise<string>;
  /** A wallet transaction no case refers to yet. */
  transaction(): Record<string, unknown>;
  /** A new, unused API key (for revokeApiKey). */
  freshApiKey(): Promise<string>;
  /** Rows in es_events (for "nothing written"). */
  eventCount(): Promise<number>;
  close(): Promise<void>;
}

const TICKET_BODY = (customerId: string) => ({
  subject: 'Payment failed at checkout',
  description: 'Merchant declined the wallet',
  category: 'payment_failed',
  customer: { id: customerId, name: 'Li Wei' },
});

/** Boots the API on its own database and seeds the tenants. Auth-failure limiting is off here. */
export async function createWorld(env: Record<string, string> = {}): Promise<World> {
  // Self-service suggestions are rate-limited per caller; the matrix and the fuzzer ask many times.
  const t = await startApiApp({
    env: { AUTH_FAILURE_LIMIT: '0', ANSWERS_RATE_LIMIT_PER_MINUTE: '100000', ...env },
  });
  const ds = t.app.get(DataSource);
  const keys = t.app.get(ApiKeyService);
  const keyX = (await keys.create('phone', 'partner-x')).secret;
  const keyY = (await keys.create('chat', 'partner-y')).secret;
  const bearer = (
    sub: string,
    role: 'customer' | 'agent' | 'senior_agent' | 'supervisor' | 'admin',
    c?: string,
  ) => ({
    Authorization: t.bearer({ sub, role, ...(c ? { customerId: c } : {}) }),
  });
  const headers: Record<RoleName, Record<string, string>> = {
    none: {},
    customerA: bearer('user-a', 'customer', 'cust-a'),
    customerB: bearer('user-b', 'customer', 'cust-b'),
    partnerX: { 'X-Api-Key': keyX },
    partnerY: { 'X-Api-Key': keyY },
    agent: bearer(AGENT_ID, 'agent'),
    senior: bearer('senior-1', 'senior_agent'),
    supervisor: bearer('supervisor-1', 'supervisor'),
    admin: bearer('admin-1', 'admin'),
  };
  await t.app
    .get(AgentsService)
    .register(
      { kind: 'user', sub: 'admin-1', role: 'admin' },
      { agentId: AGENT_ID, name: 'Ann', tier: 'L1', languages: ['en'] },
    );

  const rest: World['rest'] = (role, method, path, body, extra = {}) => {
    const m = method.toLowerCase() as 'get' | 'post' | 'delete' | 'put' | 'patch';
    const agent = request(t.server);
    let r = agent[m](path).set({ ...headers[role], ...extra });
    if (body !== undefined) r = r.send(body as object);
    return r;
  };
  const must = async (r: Promise<request.Response>, status: number): Promise<Json> => {
    const res = await r;
    if (res.status !== status) throw new Error(`seeding: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const ticketOf = async (role: RoleName, customer: string) =>
    (await must(rest(role, 'POST', '/v1/tickets', TICKET_BODY(customer)), 201)).id as string;
  const webhookOf = async (role: RoleName) =>
    (
      await must(
        rest(role, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hooks', events: ['ticket.created'] }),
        201,
      )
    ).id as string;

  let txSeq = 0;
  const transaction = () => ({
    id: `tx-${randomUUID()}-${++txSeq}`,
    amount: 10_000,
    currency: 'CNY',
    merchantId: 'm-7',
    occurredAt: new Date(Date.now() - 24 * 3600 * 1000).toISOString(),
  });
  const disputeOf = async (role: RoleName, customer: string) =>
    (
      await must(
        rest(role, 'POST', '/v1/disputes', {
          customer: { id: customer },
          transaction: transaction(),
          reason: 'never arrived',
          claimedAmount: 7000,
        }),
        201,
      )
    ).id as string;
  const refundOf = async (role: RoleName, customer: string) =>
    (
      await must(
        rest(role, 'POST', '/v1/refunds', {
          customer: { id: customer },
          transaction: transaction(),
          amount: 6000,
          reason: 'charged twice',
        }),
        201,
      )
    ).id as string;

  const recoveryOf = async (role: RoleName, customer: string) =>
    (
      await must(
        rest(role, 'POST', '/v1/account-recovery', {
          kind: 'locked',
          customer: { id: customer },
          description: 'Locked out after wrong passwords',
        }),
        201,
      )
    ).id as string;
  const gqlMust = async (query: string, variables: Record<string, unknown>): Promise<void> => {
    const res = await rest('supervisor', 'POST', '/graphql', { query, variables });
    if (res.status !== 200 || res.body.errors) throw new Error(`seeding: ${JSON.stringify(res.body)}`);
  };
  const freshRecovery = async (stage: RecoveryStage = 'awaiting_verification') => {
    const id = await recoveryOf('partnerX', 'cust-a');
    if (stage === 'awaiting_verification') return id;
    await must(
      rest('partnerX', 'POST', `/v1/account-recovery/${id}/verification`, {
        fullName: 'Li Wei',
        documentType: 'passport',
        documentNumber: 'E12345678',
      }),
      202,
    );
    if (stage === 'verification_submitted') return id;
    await gqlMust(
      'mutation($i: ReviewIdentityVerificationInput!) { reviewIdentityVerification(input: $i) { id } }',
      { i: { caseId: id, approved: true } },
    );
    if (stage === 'verified') return id;
    await gqlMust('mutation($i: RestoreAccountInput!) { restoreAccount(input: $i) { id } }', {
      i: { caseId: id },
    });
    return id;
  };
  const slaPolicy = 'matrix-policy';
  const policy = await rest('admin', 'POST', '/graphql', {
    query: 'mutation($i: UpsertSlaPolicyInput!) { upsertSlaPolicy(input: $i) { id } }',
    variables: {
      i: {
        id: slaPolicy,
        name: 'Matrix',
        priority: 'LOW',
        categories: ['FEATURE_QUESTION'],
        firstResponseSeconds: 3600,
        nextResponseSeconds: 7200,
        resolutionSeconds: 86_400,
      },
    },
  });
  if (policy.body.errors) throw new Error(`seeding: ${JSON.stringify(policy.body)}`);

  const ids = {
    ticketX: await ticketOf('partnerX', 'cust-a'),
    ticketY: await ticketOf('partnerY', 'cust-b'),
    webhookX: await webhookOf('partnerX'),
    webhookY: await webhookOf('partnerY'),
    disputeX: await disputeOf('partnerX', 'cust-a'),
    refundX: await refundOf('partnerX', 'cust-a'),
    recoveryX: await recoveryOf('partnerX', 'cust-a'),
    recoveryY: await recoveryOf('partnerY', 'cust-b'),
    slaPolicy,
  };
  const all = Object.values(ids);
  const foreign: Record<RoleName, string[]> = {
    none: all,
    customerA: [ids.ticketY, ids.webhookX, ids.webhookY, ids.recoveryY],
    customerB: [ids.ticketX, ids.webhookX, ids.webhookY, ids.disputeX, ids.refundX, ids.recoveryX],
    partnerX: [ids.ticketY, ids.webhookY, ids.recoveryY],
    partnerY: [ids.ticketX, ids.webhookX, ids.disputeX, ids.refundX, ids.recoveryX],
    agent: [ids.webhookX, ids.webhookY],
    senior: [ids.webhookX, ids.webhookY],
    supervisor: [ids.webhookX, ids.webhookY],
    admin: [ids.webhookX, ids.webhookY],
  };

  return {
    t,
    ds,
    headers,
    ids,
    foreign,
    rest,
    gql: async (role, query, variables) => {
      const res = await rest(role, 'POST', '/graphql', { query, variables });
      const contentType = String(res.headers['content-type'] ?? '');
      if (/problem\+json/.test(contentType)) {
        return { status: res.status, contentType, problemCode: (res.body as { code?: string }).code };
      }
      const body = (res.body ?? {}) as Pick<GqlResult, 'data' | 'errors'>;
      return { status: res.status, contentType, data: body.data, errors: body.errors };
    },
    freshTicket: () => ticketOf('partnerX', 'cust-a'),
    freshWebhook: () => webhookOf('partnerX'),
    freshDispute: () => disputeOf('partnerX', 'cust-a'),
    freshRefund: () => refundOf('partnerX', 'cust-a'),
    freshRecovery,
    transaction,
    freshApiKey: async () => (await keys.create('email', `spare-${randomUUID().slice(0, 8)}`)).apiKey.id,
    eventCount: async () =>
      Number(((await ds.query(`SELECT count(*) AS c FROM es_events`)) as Array<{ c: string }>)[0].c),
    close: () => t.close(),
  };
}
