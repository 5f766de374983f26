import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { queueTopic } from '@kefu/escalation';
import { SurveyOpenedMessage, SurveysService, surveyOpenedTopic } from '@kefu/feedback';
import { GraphqlPubSub } from '@kefu/platform';
import { freshAnswerSession } from './support/answers';
import { byRole } from './support/expect';
import { AGENT_ID, RoleName, World } from './support/world';

/**
 * THE GRAPHQL ACCESS MATRIX: every Query / Mutation / Subscription root field × every role →
 * 'ok' (data, no error), 'null' (the field is null: not yours or not there, never whose) or the
 * error's extensions.code. A root field of the served schema without a row here fails
 * access-matrix.e2e-spec.ts ("missing rows"). Subscriptions: 'ok' = the update arrives,
 * 'REFUSED' = the connection is refused (no or bad credentials), otherwise the error's code.
 */
/** 'ok', 'null', 'REFUSED' or an error code. */
export type GqlOutcome = string;

export interface GraphqlRow {
  /** "Query.field", "Mutation.field" or "Subscription.field". */
  operation: string;
  case?: string;
  request(w: World, role: RoleName): Promise<GqlCall> | GqlCall;
  expect: Record<RoleName, GqlOutcome>;
  /** Subscriptions: what makes an update happen once subscribed (default: a staff change to ticket X). */
  trigger?(w: World): Promise<unknown>;
}

export interface GqlCall {
  query: string;
  variables?: Record<string, unknown>;
}

const U = 'UNAUTHENTICATED';
const F = 'FORBIDDEN';
const NF = 'NOT_FOUND';
/** Staff only; customers and partners are refused. */
const staffOnly = byRole<GqlOutcome>({ none: U, customer: F, partner: F, staff: 'ok' });
/** A staff command on partner X's ticket: the decider refuses the others. */
const staffCommand = byRole<GqlOutcome>(
  { none: U, customer: F, partner: F, staff: 'ok' },
  { customerB: NF, partnerY: NF },
);

/** Admins only (configuration, erasure). */
const adminOnly = byRole<GqlOutcome>({ none: U, customer: F, partner: F, staff: F }, { admin: 'ok' });
/** A reviewer's command on partner X's recovery case: senior agents and supervisors only. */
const reviewerCommand = byRole<GqlOutcome>(
  { none: U, customer: F, partner: F, staff: 'ok' },
  { customerB: NF, partnerY: NF, agent: F, admin: F },
);

const T = 'id version';

/**
 * What the worker does when a survey opens, done here (no worker in the matrix): customer A's web
 * ticket is solved, its survey sent (SurveysService, as the send job does) and the notice published.
 */
async function openSurveyOfCustomerA(w: World): Promise<void> {
  // It also runs (400 ms in) after a refused subscription's cell has ended, maybe as the world closes:
  // a failure here can only make the customer A cell fail ('nothing arrived'), never pass.
  await openSurvey(w).catch(() => undefined);
}

async function openSurvey(w: World): Promise<void> {
  const created = await w.gql(
    'customerA',
    'mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }',
    { i: { subject: 'Top-up failed', description: 'Declined', category: 'PAYMENT_FAILED' } },
  );
  const ticketId = (created.data as { createTicket: { id: string } }).createTicket.id;
  await w.gql('admin', 'mutation($i: SetTicketStatusInput!) { setTicketStatus(input: $i) { id } }', {
    i: { ticketId, status: 'SOLVED' },
  });
  const [solve] = (await w.t.app
    .get(DataSource)
    .query(
      `SELECT event_id::text AS id FROM es_events WHERE stream_id = $1 AND event_type = 'TicketStatusChanged' ORDER BY stream_position DESC LIMIT 1`,
      [ticketId],
    )) as Array<{ id: string }>;
  const surveyId = await w.t.app
    .get(SurveysService)
    .sendForSolve(ticketId, solve.id, { handler: 'access-matrix', messageId: randomUUID() });
  await w.t.app
    .get(GraphqlPubSub)
    .publish<SurveyOpenedMessage>(surveyOpenedTopic('cust-a'), { surveyId: surveyId! });
}
const onFresh =
  (mutation: string, input: (ticketId: string) => Record<string, unknown>) => async (w: World) => ({
    query: `mutation($i: ${mutation[0].toUpperCase()}${mutation.slice(1)}Input!) { ${mutation}(input: $i) { ${T} } }`,
    variables: { i: input(await w.freshTicket()) },
  });

export const GRAPHQL_MATRIX: GraphqlRow[] = [
  // platform
  {
    operation: 'Query.me',
    request: () => ({ query: '{ me { id role } }' }),
    expect: byRole({ none: U, customer: 'ok', partner: F, staff: 'ok' }),
  },
  {
    operation: 'Query.node',
    case: "partner X's ticket",
    request: (w) => ({ query: 'query($id: ID!) { node(id: $id) { id } }', variables: { id: w.ids.ticketX } }),
    expect: byRole(
      { none: U, customer: 'ok', partner: 'ok', staff: 'ok' },
      { customerB: 'null', partnerY: 'null' },
    ),
  },
  {
    operation: 'Query.apiKeys',
    request: () => ({ query: '{ apiKeys { id } }' }),
    expect: byRole({ none: U, customer: F, partner: F, staff: F }, { admin: 'ok' }),
  },
  {
    operation: 'Mutation.createApiKey',
    request: () => ({
      query: 'mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { apiKey { id } } }',
      variables: { i: { name: 'matrix-key', channel: 'EMAIL' } },
    }),
    expect: byRole({ none: U, customer: F, partner: F, staff: F }, { admin: 'ok' }),
  },
  {
    operation: 'Mutation.revokeApiKey',
    request: async (w) => ({
      query: 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }',
      variables: { id: await w.freshApiKey() },
    }),
    expect: byRole({ none: U, customer: F, partner: F, staff: F }, { admin: 'ok' }),
  },

  // tickets
  {
    operation: 'Query.ticket',
    case: "partner X's ticket of customer A",
    request: (w) => ({
      query: 'query($id: ID!) { ticket(id: $id) { id } }',
      variables: { id: w.ids.ticketX },
    }),
    expect: byRole(
      { none: U, customer: 'ok', partner: 'ok', staff: 'ok' },
      { customerB: 'null', partnerY: 'null' },
    ),
  },
  {
    operation: 'Query.tickets',
    request: () => ({ query: '{ tickets(first: 50) { edges { node { id customer { id } } } } }' }),
    expect: byRole({ none: U, customer: 'ok', partner: 'ok', staff: 'ok' }),
  },
  {
    operation: 'Mutation.createTicket',
    request: () => ({
      query: `mutation($i: CreateTicketInput!) { createTicket(input: $i) { ${T} } }`,
      variables: {
        i: {
          subject: 'Top-up missing',
          description: 'Paid, no balance',
          category: 'PAYMENT_FAILED',
          customer: { id: 'cust-a' },
        },
      },
    }),
    // Customers open cases for themselves only.
    expect: byRole({ none: U, customer: 'ok', partner: 'ok', staff: 'ok' }, { customerB: F }),
  },
  {
    operation: 'Mutation.replyToTicket',
    request: onFresh('replyToTicket', (ticketId) => ({ ticketId, body: 'Hello' })),
    expect: byRole({ none: U, customer: 'ok', partner: 'ok', staff: 'ok' }, { customerB: NF, partnerY: NF }),
  },
  {
    operation: 'Mutation.addInternalNote',
    request: onFresh('addInternalNote', (ticketId) => ({ ticketId, body: 'note' })),
    expect: staffCommand,
  },
  {
    operation: 'Mutation.assignTicket',
    request: onFresh('assignTicket', (ticketId) => ({ ticketId, agentId: AGENT_ID })),
    expect: staffCommand,
  },
  {
    operation: 'Mutation.setTicketStatus',
    request: onFresh('setTicketStatus', (ticketId) => ({ ticketId, status: 'PENDING' })),
    expect: staffCommand,
  },
  {
    operation: 'Mutation.escalateTicket',
    request: onFresh('escalateTicket', (ticketId) => ({ ticketId, reason: 'needs L2' })),
    expect: staffCommand,
  },
  {
    operation: 'Mutation.tagTicket',
    request: onFresh('tagTicket', (ticketId) => ({ ticketId, add: ['vip'] })),
    expect: staffCommand,
  },
  {
    operation: 'Subscription.ticketUpdated',
    request: (w) => ({
      query: 'subscription($id: ID!) { ticketUpdated(id: $id) { id version } }',
      variables: { id: w.ids.ticketX },
    }),
    expect: byRole(
      { none: 'REFUSED', customer: 'ok', partner: 'ok', staff: 'ok' },
      { customerB: NF, partnerY: NF },
    ),
  },

  // agents
  { operation: 'Query.agents', request: () => ({ query: '{ agents { id } }' }), expect: staffOnly },
  {
    operation: 'Mutation.registerAgent',
    case: 'someone else (agents may register only themselves)',
    request: () => ({
      query: 'mutation($i: RegisterAgentInput!) { registerAgent(input: $i) { id } }',
      variables: { i: { id: 'agent-new', name: 'Bo', tier: 'L1', languages: ['en'] } },
    }),
    expect: byRole({ none: U, customer: F, partner: F, staff: F }, { supervisor: 'ok', admin: 'ok' }),
  },
  {
    operation: 'Mutation.setAgentAvailability',
    case: `${AGENT_ID}'s availability`,
    request: () => ({
      query: 'mutation($i: SetAgentAvailabilityInput!) { setAgentAvailability(input: $i) { id } }',
      variables: { i: { agentId: AGENT_ID, available: true } },
    }),
    expect: byRole({ none: U, customer: F, partner: F, staff: 'ok' }, { senior: F }),
  },

  // disputes
  {
    operation: 'Query.dispute',
    case: "partner X's dispute of customer A",
    request: (w) => ({
      query: 'query($id: ID!) { dispute(id: $id) { id } }',
      variables: { id: w.ids.disputeX },
    }),
    expect: byRole(
      { none: U, customer: 'ok', partner: 'ok', staff: 'ok' },
      { customerB: 'null', partnerY: 'null' },
    ),
  },
  {
    operation: 'Query.disputes',
    request: () => ({ query: '{ disputes(first: 50) { edges { node { id } } } }' }),
    expect: byRole({ none: U, customer: 'ok', partner: 'ok', staff: 'ok' }),
  },
  {
    operation: 'Mutation.openDispute',
    request: (w) => ({
      query: 'mutation($i: OpenDisputeInput!) { openDispute(input: $i) { id } }',
      variables: {
        i: {
          customer: { id: 'cust-a' },
          transaction: w.transaction(),
          reason: 'never arrived',
          claimedAmount: 500,
        },
      },
    }),
    expect: byRole({ none: U, customer: 'ok', partner: 'ok', staff: 'ok' }, { customerB: F }),
  },
  {
    operation: 'Mutation.submitDisputeEvidence',
    case: "the customer's evidence",
    request: async (w) => ({
      query: 'mutation($i: SubmitDisputeEvidenceInput!) { submitDisputeEvidence(input: $i) { id } }',
      variables: {
        i: { disputeId: await w.freshDispute(), party: 'CUSTOMER', kind: 'receipt', description: 'paid' },
      },
    }),
    expect: byRole({ none: U, customer: 'ok', partner: 'ok', staff: 'ok' }, { customerB: NF, partnerY: NF }),
  },
  {
    operation: 'Mutation.decideDispute',
    request: async (w) => ({
      query: 'mutation($i: DecideDisputeInput!) { decideDispute(input: $i) { id } }',
      variables: { i: { disputeId: await w.freshDispute(), outcome: 'LOST', rationale: 'merchant shipped' } },
    }),
    // Seniors and supervisors decide disputes (the disputes module's DECIDER_ROLES), admins do not.
    expect: byRole(
      { none: U, customer: F, partner: F, staff: 'ok' },
      { customerB: NF, partnerY: NF, agent: F, admin: F },
    ),
  },
  {
    operation: 'Mutation.withdrawDispute',
    request: async (w) => ({
      query: 'mutation($i: WithdrawDisputeInput!) { withdrawDispute(input: $i) { id } }',
      variables: { i: { disputeId: await w.freshDispute(), reason: 'found it' } },
    }),
    expect: byRole({ none: U, customer: 'ok', partner: 'ok', staff: 'ok' }, { customerB: NF, partnerY: NF }),
  },

  // refunds
  {
    operation: 'Query.refund',
    case: "partner X's refund of customer A",
    request: (w) => ({
      query: 'query($id: ID!) { refund(id: $id) { id } }',
      variables: { id: w.ids.refundX },
    }),
    expect: byRole(
      { none: U, customer: 'ok', partner: 'ok', staff: 'ok' },
      { customerB: 'null', partnerY: 'null' },
    ),
  },
  {
    operation: 'Query.refunds',
    request: () => ({ query: '{ refunds(first: 50) { edges { node { id } } } }' }),
    expect: byRole({ none: U, customer: 'ok', partner: 'ok', staff: 'ok' }),
  },
  {
    operation: 'Mutation.requestRefund',
    request: (w) => ({
      query: 'mutation($i: RequestRefundInput!) { requestRefund(input: $i) { id } }',
      variables: {
        i: { customer: { id: 'cust-a' }, transaction: w.transaction(), amount: 100, reason: 'charged twice' },
      },
    }),
    expect: byRole({ none: U, customer: 'ok', partner: 'ok', staff: 'ok' }, { customerB: F }),
  },
  {
    operation: 'Mutation.startRefundReview',
    request: async (w) => ({
      query: 'mutation($i: StartRefundReviewInput!) { startRefundReview(input: $i) { id } }',
      variables: { i: { refundId: await w.freshRefund() } },
    }),
    expect: staffCommand,
  },
  {
    operation: 'Mutation.approveRefund',
    request: async (w) => ({
      query: 'mutation($i: ApproveRefundInput!) { approveRefund(input: $i) { id } }',
      variables: { i: { refundId: await w.freshRefund() } },
    }),
    expect: staffCommand,
  },
  {
    operation: 'Mutation.rejectRefund',
    request: async (w) => ({
      query: 'mutation($i: RejectRefundInput!) { rejectRefund(input: $i) { id } }',
      variables: { i: { refundId: await w.freshRefund(), reason: 'duplicate' } },
    }),
    expect: staffCommand,
  },
  {
    operation: 'Mutation.cancelRefund',
    request: async (w) => ({
      query: 'mutation($i: CancelRefundInput!) { cancelRefund(input: $i) { id } }',
      variables: { i: { refundId: await w.freshRefund(), reason: 'not needed' } },
    }),
    expect: byRole({ none: U, customer: 'ok', partner: 'ok', staff: 'ok' }, { customerB: NF, partnerY: NF }),
  },

  // feedback, surveys, satisfaction
  {
    operation: 'Query.feedback',
    request: () => ({ query: '{ feedback(first: 10) { edges { node { id } } } }' }),
    expect: byRole({ none: U, customer: F, partner: F, staff: F }, { supervisor: 'ok', admin: 'ok' }),
  },
  {
    operation: 'Query.satisfaction',
    request: () => ({ query: '{ satisfaction(groupBy: CHANNEL) { key responses } }' }),
    expect: byRole({ none: U, customer: F, partner: F, staff: F }, { supervisor: 'ok', admin: 'ok' }),
  },
  {
    operation: 'Mutation.submitFeedback',
    case: "about partner X's ticket of customer A (staff speak for a ticket's customer)",
    request: (w) => ({
      query: 'mutation($i: SubmitFeedbackInput!) { submitFeedback(input: $i) { id } }',
      variables: { i: { kind: 'PRAISE', body: 'Great help', ticketId: w.ids.ticketX } },
    }),
    expect: byRole({ none: U, customer: 'ok', partner: F, staff: 'ok' }, { customerB: NF }),
  },
  {
    operation: 'Query.surveySettings',
    request: () => ({ query: '{ surveySettings { delaySeconds } }' }),
    expect: staffOnly,
  },
  {
    operation: 'Mutation.updateSurveySettings',
    request: () => ({
      query: 'mutation($i: UpdateSurveySettingsInput!) { updateSurveySettings(input: $i) { delaySeconds } }',
      variables: { i: { delaySeconds: 3600, reminderAfterSeconds: 86400, expiresAfterSeconds: 604800 } },
    }),
    expect: byRole({ none: U, customer: F, partner: F, staff: F }, { admin: 'ok' }),
  },
  {
    operation: 'Mutation.respondToSurvey',
    case: 'a token that does not exist',
    request: () => ({
      query: 'mutation($i: RespondToSurveyInput!) { respondToSurvey(input: $i) { id } }',
      variables: { i: { token: 't'.repeat(32), score: 5 } },
    }),
    expect: byRole({ none: U, customer: NF, partner: F, staff: NF }),
  },

  {
    operation: 'Query.pendingSurveys',
    request: () => ({ query: '{ pendingSurveys { token survey { id ticket { id } } } }' }),
    expect: byRole({ none: U, customer: 'ok', partner: F, staff: F }),
  },
  {
    operation: 'Subscription.surveyOpened',
    case: "a survey opens on customer A's web ticket",
    request: () => ({ query: 'subscription { surveyOpened { token survey { id } } }' }),
    trigger: openSurveyOfCustomerA,
    // Customer B hears nothing of A's survey; only customers have surveys of their own.
    expect: byRole(
      { none: 'REFUSED', customer: 'ok', partner: F, staff: F },
      { customerB: 'nothing arrived' },
    ),
  },

  // help centre and queues
  {
    operation: 'Query.helpArticles',
    request: () => ({ query: '{ helpArticles(first: 5) { edges { node { id } } } }' }),
    expect: byRole({ none: 'ok', customer: 'ok', partner: 'ok', staff: 'ok' }),
  },
  {
    operation: 'Query.supportChannels',
    request: () => ({ query: '{ supportChannels { channel } }' }),
    expect: byRole({ none: 'ok', customer: 'ok', partner: 'ok', staff: 'ok' }),
  },
  {
    operation: 'Query.supportChannels',
    case: 'with the estimated wait',
    request: () => ({ query: '{ supportChannels { channel estimatedWait { seconds basis samples } } }' }),
    expect: byRole({ none: 'ok', customer: 'ok', partner: 'ok', staff: 'ok' }),
  },
  // self-service answers: anyone may ask (public help centre); GraphQL is for frontends, not partners
  {
    operation: 'Mutation.suggestAnswers',
    request: () => ({
      query: 'mutation { suggestAnswers(question: "Where is my refund?") { id articles { articleId } } }',
    }),
    expect: byRole({ none: 'ok', customer: 'ok', partner: F, staff: F }),
  },
  {
    operation: 'Mutation.acceptAnswer',
    case: "partner X's session of customer A (no token)",
    request: async (w) => {
      const s = await freshAnswerSession(w);
      return {
        query: 'mutation($i: AcceptAnswerInput!) { acceptAnswer(input: $i) { id status } }',
        variables: { i: { sessionId: s.id, articleId: s.articleId } },
      };
    },
    expect: byRole({ none: NF, customer: 'ok', partner: F, staff: F }, { customerB: NF }),
  },
  {
    operation: 'Mutation.handOverToHuman',
    case: "partner X's session of customer A",
    request: async (w) => ({
      query: 'mutation($i: HandOverToHumanInput!) { handOverToHuman(input: $i) { id status ticketId } }',
      variables: { i: { sessionId: (await freshAnswerSession(w)).id } },
    }),
    expect: byRole({ none: U, customer: 'ok', partner: F, staff: F }, { customerB: NF }),
  },
  {
    operation: 'Query.answerSession',
    case: "partner X's session of customer A",
    request: async (w) => ({
      query: 'query($id: ID!) { answerSession(id: $id) { id question } }',
      variables: { id: (await freshAnswerSession(w)).id },
    }),
    expect: byRole({ none: 'null', customer: 'ok', partner: F, staff: 'ok' }, { customerB: 'null' }),
  },
  {
    operation: 'Query.deflectionStats',
    request: () => ({
      query:
        '{ deflectionStats(groupBy: [CATEGORY, LANGUAGE]) { category language sessions deflectionRate } }',
    }),
    expect: byRole({ none: U, customer: F, partner: F, staff: F }, { supervisor: 'ok', admin: 'ok' }),
  },
  {
    operation: 'Mutation.upsertHelpArticle',
    request: () => ({
      query: 'mutation($i: UpsertHelpArticleInput!) { upsertHelpArticle(input: $i) { id } }',
      variables: {
        i: { title: 'Refunds', body: 'How refunds work', category: 'PAYMENT_FAILED', language: 'en' },
      },
    }),
    expect: byRole({ none: U, customer: F, partner: F, staff: F }, { supervisor: 'ok', admin: 'ok' }),
  },
  {
    operation: 'Mutation.upsertSupportChannel',
    request: () => ({
      query: 'mutation($i: UpsertSupportChannelInput!) { upsertSupportChannel(input: $i) { channel } }',
      variables: { i: { channel: 'APP', name: 'In-app chat', alwaysOpen: true } },
    }),
    expect: byRole({ none: U, customer: F, partner: F, staff: F }, { admin: 'ok' }),
  },
  {
    operation: 'Query.queueStats',
    request: () => ({ query: '{ queueStats { tier open } }' }),
    expect: staffOnly,
  },
  {
    operation: 'Query.queueStats',
    case: 'with the estimated wait per tier',
    request: () => ({
      query: '{ queueStats { tier estimatedWait { seconds basis samples byHourOfWeek { hourOfWeek } } } }',
    }),
    expect: staffOnly,
  },
  {
    operation: 'Subscription.queueUpdated',
    request: () => ({ query: 'subscription { queueUpdated { tier open } }' }),
    // The worker publishes queue figures (QueueStatsPublisher); no worker here, so the message is sent directly.
    trigger: (w) =>
      w.t.app.get(GraphqlPubSub).publish(queueTopic('any'), {
        tier: 'L1',
        open: 1,
        unassigned: 1,
        oldestWaitingSince: null,
        medianFirstResponseSeconds: null,
      }),
    expect: byRole({ none: 'REFUSED', customer: F, partner: F, staff: 'ok' }),
  },

  // account recovery
  {
    operation: 'Query.recoveryCase',
    case: "partner X's case of customer A",
    request: (w) => ({
      query: 'query($id: ID!) { recoveryCase(id: $id) { id } }',
      variables: { id: w.ids.recoveryX },
    }),
    expect: byRole(
      { none: U, customer: 'ok', partner: 'ok', staff: 'ok' },
      { customerB: 'null', partnerY: 'null' },
    ),
  },
  {
    operation: 'Query.recoveryCases',
    request: () => ({
      query:
        '{ recoveryCases(first: 50) { totalCount edges { node { id customer { id } ticket { id } } } } }',
    }),
    expect: byRole({ none: U, customer: 'ok', partner: 'ok', staff: 'ok' }),
  },
  {
    operation: 'Mutation.openRecoveryCase',
    request: () => ({
      query: 'mutation($i: OpenRecoveryCaseInput!) { openRecoveryCase(input: $i) { id } }',
      variables: { i: { kind: 'PASSWORD_RESET', customer: { id: 'cust-a' }, description: 'No SMS code' } },
    }),
    expect: byRole({ none: U, customer: 'ok', partner: 'ok', staff: 'ok' }, { customerB: F }),
  },
  {
    operation: 'Mutation.submitIdentityVerification',
    request: async (w) => ({
      query:
        'mutation($i: SubmitIdentityVerificationInput!) { submitIdentityVerification(input: $i) { id } }',
      variables: {
        i: {
          caseId: await w.freshRecovery(),
          fullName: 'Li Wei',
          documentType: 'national_id',
          documentNumber: '110101199003070000',
        },
      },
    }),
    expect: byRole({ none: U, customer: 'ok', partner: 'ok', staff: 'ok' }, { customerB: NF, partnerY: NF }),
  },
  {
    operation: 'Mutation.reviewIdentityVerification',
    request: async (w) => ({
      query:
        'mutation($i: ReviewIdentityVerificationInput!) { reviewIdentityVerification(input: $i) { id } }',
      variables: { i: { caseId: await w.freshRecovery('verification_submitted'), approved: true } },
    }),
    // Senior agents and supervisors verify identity (DOMAIN.md; the module's REVIEWER_ROLES).
    expect: reviewerCommand,
  },
  {
    operation: 'Mutation.restoreAccount',
    request: async (w) => ({
      query: 'mutation($i: RestoreAccountInput!) { restoreAccount(input: $i) { id } }',
      variables: { i: { caseId: await w.freshRecovery('verified') } },
    }),
    expect: reviewerCommand,
  },
  {
    operation: 'Mutation.rejectRecoveryCase',
    request: async (w) => ({
      query: 'mutation($i: RejectRecoveryCaseInput!) { rejectRecoveryCase(input: $i) { id } }',
      variables: { i: { caseId: await w.freshRecovery(), reason: 'documents do not match' } },
    }),
    expect: reviewerCommand,
  },
  {
    operation: 'Mutation.closeRecoveryCase',
    request: async (w) => ({
      query: 'mutation($i: CloseRecoveryCaseInput!) { closeRecoveryCase(input: $i) { id } }',
      variables: { i: { caseId: await w.freshRecovery('restored') } },
    }),
    expect: staffCommand,
  },
  {
    operation: 'Mutation.forgetCustomer',
    case: 'a customer of no seeded case',
    request: () => ({
      query: 'mutation($id: ID!) { forgetCustomer(customerId: $id) }',
      variables: { id: `cust-forget-${randomUUID()}` },
    }),
    expect: adminOnly,
  },

  // SLA configuration: staff read it, admins change it
  { operation: 'Query.slaPolicies', request: () => ({ query: '{ slaPolicies { id } }' }), expect: staffOnly },
  {
    operation: 'Query.businessCalendars',
    request: () => ({ query: '{ businessCalendars { id } }' }),
    expect: staffOnly,
  },
  {
    operation: 'Mutation.upsertSlaPolicy',
    request: () => ({
      query: 'mutation($i: UpsertSlaPolicyInput!) { upsertSlaPolicy(input: $i) { id } }',
      variables: {
        i: {
          name: 'Matrix low',
          priority: 'LOW',
          categories: ['FEATURE_QUESTION'],
          firstResponseSeconds: 3600,
          nextResponseSeconds: 7200,
          resolutionSeconds: 86_400,
        },
      },
    }),
    expect: adminOnly,
  },
  // Customer segments (VIP): staff read them, admins set them
  {
    operation: 'Query.customerSegments',
    request: () => ({ query: '{ customerSegments(customerId: "cust-a") { customerId segments } }' }),
    expect: staffOnly,
  },
  {
    operation: 'Mutation.setCustomerSegments',
    request: () => ({
      query:
        'mutation($i: SetCustomerSegmentsInput!) { setCustomerSegments(input: $i) { customerId segments } }',
      variables: { i: { customerId: 'cust-matrix', segments: ['vip'] } },
    }),
    expect: adminOnly,
  },
  {
    operation: 'Mutation.setSlaPolicyChannels',
    request: (w) => ({
      query: 'mutation($i: SetSlaPolicyChannelsInput!) { setSlaPolicyChannels(input: $i) { id } }',
      variables: { i: { policyId: w.ids.slaPolicy, channels: ['EMAIL'] } },
    }),
    expect: adminOnly,
  },
  {
    operation: 'Mutation.upsertBusinessCalendar',
    request: () => ({
      query: 'mutation($i: UpsertBusinessCalendarInput!) { upsertBusinessCalendar(input: $i) { id } }',
      variables: {
        i: {
          name: 'Shanghai office',
          timeZone: 'Asia/Shanghai',
          hours: [{ weekday: 1, opens: '09:00', closes: '18:00' }],
          holidays: ['2026-10-01'],
        },
      },
    }),
    expect: adminOnly,
  },
];
