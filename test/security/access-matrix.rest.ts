import { randomUUID } from 'node:crypto';
import { freshAnswerSession } from './support/answers';
import { byRole } from './support/expect';
import { RoleName, World } from './support/world';

/**
 * THE REST ACCESS MATRIX: every route × every role → the HTTP status expected. A route the app
 * serves without a row here fails access-matrix.e2e-spec.ts ("missing rows"): add one per route
 * (more when the object's owner matters), with `request` building the call from the seeded world
 * (fresh objects for calls that change them). 401 = no credentials, 403 = role refused, 404 =
 * someone else's object (never 403: its existence is not revealed).
 */
export interface RestRow {
  /** "METHOD /path/:param", exactly as the router has it. */
  route: string;
  /** What this row checks, when a route has several rows. */
  case?: string;
  request(
    w: World,
    role: RoleName,
  ): Promise<{ path: string; body?: unknown }> | { path: string; body?: unknown };
  expect: Record<RoleName, number>;
}

const ticketBody = (customerId = 'cust-a') => ({
  subject: 'Card charged twice',
  description: 'Two debits for one purchase',
  category: 'payment_failed',
  customer: { id: customerId },
});
/** Partner X's own objects: X (and customer A for tickets) see them, Y and B get 404. */
const ownedByX = { partnerY: 404, customerB: 404 } as const;

export const REST_MATRIX: RestRow[] = [
  // platform
  {
    route: 'GET /health/live',
    request: () => ({ path: '/health/live' }),
    expect: byRole({ none: 200, customer: 200, partner: 200, staff: 200 }),
  },
  {
    route: 'GET /health/ready',
    request: () => ({ path: '/health/ready' }),
    expect: byRole({ none: 200, customer: 200, partner: 200, staff: 200 }),
  },
  {
    route: 'GET /metrics',
    request: () => ({ path: '/metrics' }),
    expect: byRole({ none: 200, customer: 200, partner: 200, staff: 200 }),
  },

  // tickets
  {
    route: 'POST /v1/tickets',
    case: 'customer A case',
    request: () => ({ path: '/v1/tickets', body: ticketBody('cust-a') }),
    // Customers open cases for themselves only.
    expect: byRole({ none: 401, customer: 201, partner: 201, staff: 201 }, { customerB: 403 }),
  },
  {
    route: 'GET /v1/tickets',
    request: () => ({ path: '/v1/tickets' }),
    expect: byRole({ none: 401, customer: 200, partner: 200, staff: 200 }),
  },
  {
    route: 'GET /v1/tickets/:id',
    case: "partner X's ticket of customer A",
    request: (w) => ({ path: `/v1/tickets/${w.ids.ticketX}` }),
    expect: byRole({ none: 401, customer: 200, partner: 200, staff: 200 }, ownedByX),
  },
  {
    route: 'GET /v1/tickets/:id',
    case: 'a ticket that does not exist',
    request: () => ({ path: `/v1/tickets/${randomUUID()}` }),
    expect: byRole({ none: 401, customer: 404, partner: 404, staff: 404 }),
  },
  {
    route: 'POST /v1/tickets/:id/messages',
    request: async (w) => ({
      path: `/v1/tickets/${await w.freshTicket()}/messages`,
      body: { body: 'Any news?' },
    }),
    expect: byRole({ none: 401, customer: 201, partner: 201, staff: 201 }, ownedByX),
  },
  {
    route: 'POST /v1/tickets/:id/escalation-requests',
    request: async (w) => ({
      path: `/v1/tickets/${await w.freshTicket()}/escalation-requests`,
      body: { reason: 'Nobody answers' },
    }),
    // Staff escalate with the GraphQL escalateTicket; the request is the customer's voice.
    expect: byRole({ none: 401, customer: 202, partner: 202, staff: 403 }, ownedByX),
  },

  // webhooks (partner channels only)
  {
    route: 'POST /v1/webhooks',
    request: () => ({
      path: '/v1/webhooks',
      body: { url: 'http://127.0.0.1:9/h', events: ['ticket.created'] },
    }),
    expect: byRole({ none: 401, customer: 403, partner: 201, staff: 403 }),
  },
  {
    route: 'GET /v1/webhooks',
    request: () => ({ path: '/v1/webhooks' }),
    expect: byRole({ none: 401, customer: 403, partner: 200, staff: 403 }),
  },
  {
    route: 'GET /v1/webhooks/:id',
    request: (w) => ({ path: `/v1/webhooks/${w.ids.webhookX}` }),
    expect: byRole({ none: 401, customer: 403, partner: 200, staff: 403 }, { partnerY: 404 }),
  },
  {
    route: 'DELETE /v1/webhooks/:id',
    request: async (w) => ({ path: `/v1/webhooks/${await w.freshWebhook()}` }),
    expect: byRole({ none: 401, customer: 403, partner: 204, staff: 403 }, { partnerY: 404 }),
  },
  {
    route: 'POST /v1/webhooks/:id/enable',
    request: (w) => ({ path: `/v1/webhooks/${w.ids.webhookX}/enable` }),
    expect: byRole({ none: 401, customer: 403, partner: 200, staff: 403 }, { partnerY: 404 }),
  },
  {
    route: 'GET /v1/webhooks/:id/deliveries',
    request: (w) => ({ path: `/v1/webhooks/${w.ids.webhookX}/deliveries` }),
    expect: byRole({ none: 401, customer: 403, partner: 200, staff: 403 }, { partnerY: 404 }),
  },
  {
    // No worker runs here, so there are no deliveries: the owner's 404 is for the delivery.
    route: 'GET /v1/webhooks/:id/deliveries/:deliveryId',
    request: (w) => ({ path: `/v1/webhooks/${w.ids.webhookX}/deliveries/${randomUUID()}` }),
    expect: byRole({ none: 401, customer: 403, partner: 404, staff: 403 }),
  },
  {
    route: 'POST /v1/webhooks/:id/deliveries/:deliveryId/redeliver',
    request: (w) => ({ path: `/v1/webhooks/${w.ids.webhookX}/deliveries/${randomUUID()}/redeliver` }),
    expect: byRole({ none: 401, customer: 403, partner: 404, staff: 403 }),
  },

  // partner event feed
  {
    route: 'GET /v1/events',
    request: () => ({ path: '/v1/events' }),
    expect: byRole({ none: 401, customer: 403, partner: 200, staff: 403 }),
  },

  // disputes
  {
    route: 'POST /v1/disputes',
    request: (w) => ({
      path: '/v1/disputes',
      body: {
        customer: { id: 'cust-a' },
        transaction: w.transaction(),
        reason: 'never arrived',
        claimedAmount: 500,
      },
    }),
    expect: byRole({ none: 401, customer: 201, partner: 201, staff: 201 }, { customerB: 403 }),
  },
  {
    route: 'GET /v1/disputes/:id',
    request: (w) => ({ path: `/v1/disputes/${w.ids.disputeX}` }),
    expect: byRole({ none: 401, customer: 200, partner: 200, staff: 200 }, ownedByX),
  },
  {
    route: 'POST /v1/disputes/:id/evidence',
    case: 'merchant evidence',
    request: async (w) => ({
      path: `/v1/disputes/${await w.freshDispute()}/evidence`,
      body: { party: 'merchant', kind: 'statement', description: 'we shipped' },
    }),
    // The merchant's side: a customer may not speak for it.
    expect: byRole({ none: 401, customer: 201, partner: 201, staff: 201 }, { ...ownedByX, customerA: 403 }),
  },

  // refunds
  {
    route: 'POST /v1/refunds',
    request: (w) => ({
      path: '/v1/refunds',
      body: {
        customer: { id: 'cust-a' },
        transaction: w.transaction(),
        amount: 100,
        reason: 'charged twice',
      },
    }),
    expect: byRole({ none: 401, customer: 201, partner: 201, staff: 201 }, { customerB: 403 }),
  },
  {
    route: 'GET /v1/refunds/:id',
    request: (w) => ({ path: `/v1/refunds/${w.ids.refundX}` }),
    expect: byRole({ none: 401, customer: 200, partner: 200, staff: 200 }, ownedByX),
  },
  {
    // A requested (not approved) refund: its owner learns it cannot be paid yet.
    route: 'POST /v1/refunds/:id/payout-result',
    request: async (w) => ({
      path: `/v1/refunds/${await w.freshRefund()}/payout-result`,
      body: { status: 'succeeded', reference: 'po-1' },
    }),
    expect: byRole({ none: 401, customer: 403, partner: 409, staff: 403 }, { partnerY: 404 }),
  },

  // feedback and surveys
  {
    route: 'POST /v1/feedback',
    request: () => ({
      path: '/v1/feedback',
      body: { customer: { id: 'cust-a' }, kind: 'praise', body: 'Great help' },
    }),
    expect: byRole({ none: 401, customer: 403, partner: 201, staff: 403 }),
  },
  {
    // Public, by token: a token that does not exist is 404 for everyone.
    route: 'GET /v1/surveys/:token',
    request: () => ({ path: `/v1/surveys/${'t'.repeat(32)}` }),
    expect: byRole({ none: 404, customer: 404, partner: 404, staff: 404 }),
  },
  {
    route: 'POST /v1/surveys/:token/responses',
    request: () => ({ path: `/v1/surveys/${'t'.repeat(32)}/responses`, body: { score: 5 } }),
    expect: byRole({ none: 404, customer: 404, partner: 404, staff: 404 }),
  },

  // account recovery
  {
    route: 'POST /v1/account-recovery',
    request: () => ({
      path: '/v1/account-recovery',
      body: { kind: 'locked', customer: { id: 'cust-a' }, description: 'Locked out' },
    }),
    // Customers open cases for their own account only (the decider's OPENERS: everyone else may).
    expect: byRole({ none: 401, customer: 201, partner: 201, staff: 201 }, { customerB: 403 }),
  },
  {
    route: 'GET /v1/account-recovery/:id',
    case: "partner X's case of customer A",
    request: (w) => ({ path: `/v1/account-recovery/${w.ids.recoveryX}` }),
    expect: byRole({ none: 401, customer: 200, partner: 200, staff: 200 }, ownedByX),
  },
  {
    route: 'GET /v1/account-recovery/:id',
    case: "partner Y's case of customer B",
    request: (w) => ({ path: `/v1/account-recovery/${w.ids.recoveryY}` }),
    expect: byRole({ none: 401, customer: 200, partner: 200, staff: 200 }, { customerA: 404, partnerX: 404 }),
  },
  {
    route: 'GET /v1/account-recovery/:id',
    case: 'a case that does not exist',
    request: () => ({ path: `/v1/account-recovery/${randomUUID()}` }),
    expect: byRole({ none: 401, customer: 404, partner: 404, staff: 404 }),
  },
  {
    route: 'POST /v1/account-recovery/:id/verification',
    request: async (w) => ({
      path: `/v1/account-recovery/${await w.freshRecovery()}/verification`,
      body: { fullName: 'Li Wei', documentType: 'passport', documentNumber: 'E12345678' },
    }),
    // Staff may type the data in for the customer (the four-eyes rule keeps them from approving it).
    expect: byRole({ none: 401, customer: 202, partner: 202, staff: 202 }, ownedByX),
  },

  // self-service answers: partners (and customers' own apps) ask; staff use GraphQL
  {
    route: 'POST /v1/answers',
    request: () => ({ path: '/v1/answers', body: { question: 'My refund has not arrived yet' } }),
    expect: byRole({ none: 401, customer: 201, partner: 201, staff: 403 }),
  },
  {
    route: 'GET /v1/answers/:id',
    case: "partner X's session of customer A",
    request: async (w) => ({ path: `/v1/answers/${(await freshAnswerSession(w)).id}` }),
    expect: byRole({ none: 401, customer: 200, partner: 200, staff: 200 }, ownedByX),
  },
  {
    route: 'GET /v1/answers/:id',
    case: 'a session that does not exist',
    request: () => ({ path: `/v1/answers/${randomUUID()}` }),
    expect: byRole({ none: 401, customer: 404, partner: 404, staff: 404 }),
  },
  {
    route: 'POST /v1/answers/:id/resolution',
    request: async (w) => {
      const s = await freshAnswerSession(w);
      return { path: `/v1/answers/${s.id}/resolution`, body: { articleId: s.articleId } };
    },
    expect: byRole({ none: 401, customer: 200, partner: 200, staff: 403 }, ownedByX),
  },
  {
    route: 'POST /v1/answers/:id/handover',
    request: async (w) => ({ path: `/v1/answers/${(await freshAnswerSession(w)).id}/handover`, body: {} }),
    expect: byRole({ none: 401, customer: 201, partner: 201, staff: 403 }, ownedByX),
  },
];
