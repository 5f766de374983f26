import fc from 'fast-check';
import { RoleName, World } from '../security/support/world';
import { hostileBody, hostileValue } from './hostile';

/**
 * THE GRAPHQL FUZZ TABLE: one generator of variables per Mutation field (queries and
 * subscriptions are read-only: the access matrix covers them). A mutation of the served schema
 * without a row here fails fuzz.e2e-spec.ts ("missing rows").
 */
export interface FuzzMutation {
  operation: string;
  as: RoleName;
  query: string;
  variables(w: World): fc.Arbitrary<Record<string, unknown>>;
  /** The valid input the generator mutates (rows built with withInput). */
  valid?: (w: World) => Record<string, unknown>;
}

/** `mutation($i: XInput!) { x(input: $i) { <selection> } }` with hostile inputs. */
const withInput = (
  field: string,
  as: RoleName,
  valid: (w: World) => Record<string, unknown>,
  selection = 'id',
): FuzzMutation => ({
  operation: `Mutation.${field}`,
  as,
  query: `mutation($i: ${field[0].toUpperCase()}${field.slice(1)}Input!) { ${field}(input: $i) { ${selection} } }`,
  valid,
  variables: (w) =>
    fc
      .oneof({ weight: 9, arbitrary: hostileBody(valid(w)) }, { weight: 1, arbitrary: hostileValue })
      .map((i) => ({ i })),
});

export const FUZZ_MUTATIONS: FuzzMutation[] = [
  withInput('createTicket', 'agent', () => ({
    subject: 'Top-up missing',
    description: 'Paid, no balance',
    category: 'PAYMENT_FAILED',
    priority: 'HIGH',
    channel: 'APP',
    language: 'en',
    customer: { id: 'cust-a', name: 'Li' },
    transaction: { id: 'tx', amount: 100, currency: 'CNY' },
    tags: ['x'],
  })),
  withInput('replyToTicket', 'agent', (w) => ({
    ticketId: w.ids.ticketX,
    body: 'Hello',
    expectedVersion: 1,
  })),
  withInput('addInternalNote', 'agent', (w) => ({ ticketId: w.ids.ticketX, body: 'note' })),
  withInput('assignTicket', 'supervisor', (w) => ({ ticketId: w.ids.ticketX, agentId: 'agent-1' })),
  withInput('setTicketStatus', 'agent', (w) => ({ ticketId: w.ids.ticketX, status: 'PENDING' })),
  withInput('escalateTicket', 'agent', (w) => ({ ticketId: w.ids.ticketX, reason: 'L2 please' })),
  withInput('tagTicket', 'agent', (w) => ({ ticketId: w.ids.ticketX, add: ['a'], remove: ['b'] })),
  withInput('registerAgent', 'admin', () => ({
    id: 'agent-f',
    name: 'Fu',
    tier: 'L2',
    languages: ['zh'],
    maxOpenTickets: 5,
  })),
  withInput('setAgentAvailability', 'admin', () => ({ agentId: 'agent-1', available: false })),
  withInput('createApiKey', 'admin', () => ({ name: 'fuzz-key', channel: 'EMAIL' }), 'apiKey { id }'),
  {
    operation: 'Mutation.revokeApiKey',
    as: 'admin',
    query: 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }',
    // Never a real key's id: hostile ids only.
    variables: () => hostileValue.map((id) => ({ id })),
  },

  withInput('openDispute', 'partnerX', (w) => ({
    customer: { id: 'cust-a' },
    transaction: w.transaction(),
    reason: 'never arrived',
    claimedAmount: 500,
  })),
  withInput('submitDisputeEvidence', 'partnerX', (w) => ({
    disputeId: w.ids.disputeX,
    party: 'MERCHANT',
    kind: 'statement',
    description: 'shipped',
  })),
  withInput('decideDispute', 'senior', (w) => ({
    disputeId: w.ids.disputeX,
    outcome: 'SETTLED',
    awardedAmount: 100,
    rationale: 'r',
  })),
  withInput('withdrawDispute', 'partnerX', (w) => ({ disputeId: w.ids.disputeX, reason: 'r' })),
  withInput('requestRefund', 'partnerX', (w) => ({
    customer: { id: 'cust-a' },
    transaction: w.transaction(),
    amount: 100,
    reason: 'r',
  })),
  withInput('startRefundReview', 'agent', (w) => ({ refundId: w.ids.refundX })),
  withInput('approveRefund', 'senior', (w) => ({ refundId: w.ids.refundX, expectedVersion: 1 })),
  withInput('rejectRefund', 'agent', (w) => ({ refundId: w.ids.refundX, reason: 'r' })),
  withInput('cancelRefund', 'partnerX', (w) => ({ refundId: w.ids.refundX, reason: 'r' })),
  withInput('respondToSurvey', 'customerA', () => ({ token: 't'.repeat(32), score: 5, comment: 'c' })),
  withInput('submitFeedback', 'customerA', (w) => ({
    kind: 'COMPLAINT',
    body: 'b',
    ticketId: w.ids.ticketX,
    agentId: 'agent-1',
  })),
  withInput(
    'updateSurveySettings',
    'admin',
    () => ({ delaySeconds: 60, reminderAfterSeconds: 120, expiresAfterSeconds: 600 }),
    'delaySeconds',
  ),
  withInput('upsertHelpArticle', 'admin', () => ({
    title: 't',
    body: 'b',
    category: 'PAYMENT_FAILED',
    language: 'en',
  })),
  withInput(
    'upsertSupportChannel',
    'admin',
    () => ({
      channel: 'APP',
      name: 'n',
      contact: 'c',
      opensAt: '09:00',
      closesAt: '18:00',
      alwaysOpen: false,
    }),
    'channel',
  ),

  withInput('openRecoveryCase', 'partnerX', () => ({
    kind: 'STOLEN',
    customer: { id: 'cust-a', name: 'Li', email: 'li@example.com', phone: '+8613800000000' },
    description: 'd',
    language: 'en',
  })),
  withInput('submitIdentityVerification', 'partnerX', (w) => ({
    caseId: w.ids.recoveryX,
    fullName: 'Li Wei',
    documentType: 'passport',
    documentNumber: 'E12345678',
    phone: '+8613800000000',
    email: 'li@example.com',
  })),
  withInput('reviewIdentityVerification', 'senior', (w) => ({
    caseId: w.ids.recoveryX,
    approved: false,
    reason: 'blurred',
    expectedVersion: 3,
  })),
  withInput('restoreAccount', 'supervisor', (w) => ({ caseId: w.ids.recoveryX })),
  withInput('closeRecoveryCase', 'agent', (w) => ({ caseId: w.ids.recoveryX })),
  // Partner Y's case, so that rejecting it leaves X's case to the rows above.
  withInput('rejectRecoveryCase', 'supervisor', (w) => ({ caseId: w.ids.recoveryY, reason: 'r' })),
  {
    operation: 'Mutation.forgetCustomer',
    as: 'admin',
    query: 'mutation($id: ID!) { forgetCustomer(customerId: $id) }',
    // Hostile ids only: never a seeded customer's.
    variables: () => hostileValue.map((id) => ({ id })),
  },
  withInput(
    'setCustomerSegments',
    'admin',
    () => ({ customerId: 'cust-fuzz', segments: ['vip'] }),
    'customerId segments',
  ),
  withInput('upsertSlaPolicy', 'admin', () => ({
    id: 'fuzz-policy',
    name: 'Fuzz',
    priority: 'LOW',
    categories: ['FEATURE_QUESTION'],
    firstResponseSeconds: 3600,
    nextResponseSeconds: 7200,
    resolutionSeconds: 86_400,
    warningRatio: 0.8,
  })),
  withInput('setSlaPolicyChannels', 'admin', (w) => ({ policyId: w.ids.slaPolicy, channels: ['EMAIL'] })),
  withInput('upsertBusinessCalendar', 'admin', () => ({
    id: 'fuzz-calendar',
    name: 'Fuzz',
    timeZone: 'Asia/Shanghai',
    hours: [{ weekday: 1, opens: '09:00', closes: '18:00' }],
    holidays: ['2026-10-01'],
  })),

  {
    operation: 'Mutation.suggestAnswers',
    as: 'customerA',
    query:
      'mutation($q: String!, $l: String, $c: Channel) { suggestAnswers(question: $q, language: $l, channel: $c) { id } }',
    variables: () =>
      fc
        .tuple(
          hostileValue,
          fc.oneof(hostileValue, fc.constant('zh-CN')),
          fc.oneof(hostileValue, fc.constant('APP')),
        )
        .map(([q, l, c]) => ({ q, l, c })),
  },
  withInput('acceptAnswer', 'customerA', () => ({
    sessionId: '6f1c2b8e-4a3d-4f5e-9a7b-1c2d3e4f5a6b',
    articleId: 'a',
    token: 't',
    expectedVersion: 1,
  })),
  withInput('handOverToHuman', 'customerA', () => ({
    sessionId: '6f1c2b8e-4a3d-4f5e-9a7b-1c2d3e4f5a6b',
    token: 't',
    category: 'REFUND',
    comment: 'c',
    expectedVersion: 1,
  })),
];
