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

const T = 'id version';
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

  // EXTENSION POINT: disputes, refunds, account recovery, feedback, surveys, SLA policies add rows here.
];
