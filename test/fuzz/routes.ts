import fc from 'fast-check';
import { RoleName, World } from '../security/support/world';
import { hostileBody, hostileId, hostileQuery } from './hostile';

/**
 * THE REST FUZZ TABLE: one generator per route. A route the app serves without a row here fails
 * fuzz.e2e-spec.ts ("missing rows"). `as` is a caller allowed to use the route, so the payloads
 * reach validation and the domain instead of stopping at the guard.
 */
export interface FuzzRequest {
  path: string;
  body?: unknown;
  /** Sent as is (invalid UTF-8, truncated JSON) with Content-Type: application/json. */
  raw?: Buffer;
}

export interface FuzzRoute {
  route: string;
  as: RoleName;
  input(w: World): fc.Arbitrary<FuzzRequest>;
}

const ticket = {
  subject: 'Card charged twice',
  description: 'Two debits',
  category: 'payment_failed',
  priority: 'high',
  language: 'en',
  customer: { id: 'cust-a', name: 'Li', email: 'li@example.com', phone: '+8613800000000' },
  transaction: {
    id: 'tx-1',
    amount: 1200,
    currency: 'CNY',
    occurredAt: '2026-01-01T00:00:00Z',
    merchantId: 'm-1',
  },
  tags: ['vip'],
  externalRef: 'ext-1',
};
const message = {
  body: 'Any news?',
  attachments: [{ name: 'a.png', contentType: 'image/png', size: 10, url: 'https://x.example/a.png' }],
};
const webhook = { url: 'http://127.0.0.1:9/h', events: ['ticket.created'] };

/** Broken bytes where JSON is expected. */
const rawJson: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  fc.constantFrom(
    Buffer.from([0x7b, 0x22, 0x73, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), // {"s":"<invalid UTF-8>"}
    Buffer.from('{"subject":'),
    Buffer.from('[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['),
    Buffer.from('{"__proto__":{"polluted":true}}'),
    Buffer.from('\u0000'),
  ),
);

/** A body route: hostile bodies most of the time, raw bytes sometimes. */
const bodyOf = (path: (w: World) => string, valid: Record<string, unknown>) => (w: World) =>
  fc.oneof(
    { weight: 8, arbitrary: hostileBody(valid).map((body) => ({ path: path(w), body })) },
    { weight: 1, arbitrary: rawJson.map((raw) => ({ path: path(w), raw })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(hostileId, hostileBody(valid))
        .map(([id, body]) => ({ path: path(w).replace(/[0-9a-f-]{36}/, id), body })),
    },
  );
const queryOf = (path: (w: World) => string, names: string[]) => (w: World) =>
  hostileQuery(names).map((q) => ({ path: `${path(w)}${q}` }));
const idOf = (template: (id: string) => string) => () => hostileId.map((id) => ({ path: template(id) }));

export const FUZZ_ROUTES: FuzzRoute[] = [
  { route: 'GET /health/live', as: 'none', input: queryOf(() => '/health/live', ['x']) },
  { route: 'GET /health/ready', as: 'none', input: queryOf(() => '/health/ready', ['x']) },
  { route: 'GET /metrics', as: 'none', input: queryOf(() => '/metrics', ['name[]']) },

  { route: 'POST /v1/tickets', as: 'partnerX', input: bodyOf(() => '/v1/tickets', ticket) },
  {
    route: 'GET /v1/tickets',
    as: 'partnerX',
    input: queryOf(() => '/v1/tickets', ['status', 'updatedSince', 'limit', 'cursor']),
  },
  { route: 'GET /v1/tickets/:id', as: 'partnerX', input: idOf((id) => `/v1/tickets/${id}`) },
  {
    route: 'POST /v1/tickets/:id/messages',
    as: 'partnerX',
    input: bodyOf((w) => `/v1/tickets/${w.ids.ticketX}/messages`, message),
  },
  {
    route: 'POST /v1/tickets/:id/escalation-requests',
    as: 'partnerX',
    input: bodyOf((w) => `/v1/tickets/${w.ids.ticketX}/escalation-requests`, { reason: 'Nobody answers' }),
  },

  { route: 'POST /v1/webhooks', as: 'partnerX', input: bodyOf(() => '/v1/webhooks', webhook) },
  { route: 'GET /v1/webhooks', as: 'partnerX', input: queryOf(() => '/v1/webhooks', ['limit', 'cursor']) },
  { route: 'GET /v1/webhooks/:id', as: 'partnerX', input: idOf((id) => `/v1/webhooks/${id}`) },
  // Only hostile ids: a valid one would delete the seeded endpoint.
  { route: 'DELETE /v1/webhooks/:id', as: 'partnerY', input: idOf((id) => `/v1/webhooks/${id}`) },
  {
    route: 'POST /v1/webhooks/:id/enable',
    as: 'partnerX',
    input: bodyOf((w) => `/v1/webhooks/${w.ids.webhookX}/enable`, { x: 1 }),
  },
  {
    route: 'GET /v1/webhooks/:id/deliveries',
    as: 'partnerX',
    input: (w) =>
      queryOf(() => `/v1/webhooks/${w.ids.webhookX}/deliveries`, ['limit', 'cursor', 'status'])(w),
  },
  {
    route: 'GET /v1/webhooks/:id/deliveries/:deliveryId',
    as: 'partnerX',
    input: (w) => hostileId.map((id) => ({ path: `/v1/webhooks/${w.ids.webhookX}/deliveries/${id}` })),
  },
  {
    route: 'POST /v1/webhooks/:id/deliveries/:deliveryId/redeliver',
    as: 'partnerX',
    input: (w) =>
      fc
        .tuple(hostileId, hostileBody({ x: 1 }))
        .map(([id, body]) => ({ path: `/v1/webhooks/${w.ids.webhookX}/deliveries/${id}/redeliver`, body })),
  },
  { route: 'GET /v1/events', as: 'partnerX', input: queryOf(() => '/v1/events', ['after', 'limit']) },

  {
    route: 'POST /v1/disputes',
    as: 'partnerX',
    input: (w) =>
      bodyOf(() => '/v1/disputes', {
        customer: { id: 'cust-a' },
        transaction: w.transaction(),
        reason: 'r',
        claimedAmount: 500,
      })(w),
  },
  { route: 'GET /v1/disputes/:id', as: 'partnerX', input: idOf((id) => `/v1/disputes/${id}`) },
  {
    route: 'POST /v1/disputes/:id/evidence',
    as: 'partnerX',
    input: bodyOf((w) => `/v1/disputes/${w.ids.disputeX}/evidence`, {
      party: 'merchant',
      kind: 'statement',
      description: 'd',
    }),
  },
  {
    route: 'POST /v1/refunds',
    as: 'partnerX',
    input: (w) =>
      bodyOf(() => '/v1/refunds', {
        customer: { id: 'cust-a' },
        transaction: w.transaction(),
        amount: 100,
        reason: 'r',
      })(w),
  },
  { route: 'GET /v1/refunds/:id', as: 'partnerX', input: idOf((id) => `/v1/refunds/${id}`) },
  {
    route: 'POST /v1/refunds/:id/payout-result',
    as: 'partnerX',
    input: bodyOf((w) => `/v1/refunds/${w.ids.refundX}/payout-result`, {
      status: 'failed',
      reference: 'po',
      failureReason: 'x',
    }),
  },
  {
    route: 'POST /v1/feedback',
    as: 'partnerX',
    input: bodyOf(() => '/v1/feedback', { customer: { id: 'cust-a' }, kind: 'praise', body: 'b' }),
  },
  { route: 'GET /v1/surveys/:token', as: 'none', input: idOf((t) => `/v1/surveys/${t}`) },
  {
    route: 'POST /v1/surveys/:token/responses',
    as: 'none',
    input: () =>
      fc
        .tuple(hostileId, hostileBody({ score: 5, comment: 'c' }))
        .map(([t, body]) => ({ path: `/v1/surveys/${t}/responses`, body })),
  },

  {
    route: 'POST /v1/account-recovery',
    as: 'partnerX',
    input: bodyOf(() => '/v1/account-recovery', {
      kind: 'stolen',
      customer: { id: 'cust-a', name: 'Li', email: 'li@example.com', phone: '+8613800000000' },
      description: 'd',
      language: 'zh-CN',
    }),
  },
  {
    route: 'GET /v1/account-recovery/:id',
    as: 'partnerX',
    input: idOf((id) => `/v1/account-recovery/${id}`),
  },
  {
    route: 'POST /v1/account-recovery/:id/verification',
    as: 'partnerX',
    input: bodyOf((w) => `/v1/account-recovery/${w.ids.recoveryX}/verification`, {
      fullName: 'Li Wei',
      documentType: 'passport',
      documentNumber: 'E12345678',
      phone: '+8613800000000',
      email: 'li@example.com',
    }),
  },

  {
    route: 'POST /v1/answers',
    as: 'partnerX',
    input: bodyOf(() => '/v1/answers', {
      question: 'Why did my payment fail?',
      language: 'en',
      channel: 'chat',
      customer: { id: 'cust-a' },
    }),
  },
  { route: 'GET /v1/answers/:id', as: 'partnerX', input: idOf((id) => `/v1/answers/${id}`) },
  // Hostile or unknown session ids with hostile bodies: validation first, then not_found, never a write.
  {
    route: 'POST /v1/answers/:id/resolution',
    as: 'partnerX',
    input: () =>
      fc
        .tuple(hostileId, hostileBody({ articleId: 'a' }))
        .map(([id, body]) => ({ path: `/v1/answers/${id}/resolution`, body })),
  },
  {
    route: 'POST /v1/answers/:id/handover',
    as: 'partnerX',
    input: () =>
      fc
        .tuple(
          hostileId,
          hostileBody({
            category: 'refund',
            comment: 'c',
            customer: { id: 'cust-a', name: 'Li', email: 'l@x.example' },
          }),
        )
        .map(([id, body]) => ({ path: `/v1/answers/${id}/handover`, body })),
  },
];
