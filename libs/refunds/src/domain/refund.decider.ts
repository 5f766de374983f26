// The refund aggregate: requested → under_review → approved → processing → succeeded | failed, or
// rejected / canceled before approval. The cap across refunds lives on the ledger stream.
import {
  Actor,
  Decider,
  DomainRuleError,
  STAFF_ROLES,
  Violations,
  absent,
  isStaff,
  optionalText,
  requiredText,
  CustomerRef,
  TransactionRef,
} from '@kefu/kernel';
import { validateCustomer, validateTransaction } from '@kefu/tickets/domain';
import {
  ApproveRefund,
  CancelRefund,
  MarkRefundOverdue,
  RecordPayoutResult,
  RefundCommand,
  RejectRefund,
  RequestRefund,
  StartRefundReview,
} from './refund.commands';
import { RefundEvent } from './refund.events';
import {
  APPROVER_ROLES,
  OPEN_STATUSES,
  PAYOUT_RESULTS,
  RefundAuthor,
  RefundRuleError,
  RefundStatus,
  SENIOR_ROLES,
  refundAuthorOf,
} from './refund.types';

export const REFUND_STREAM_TYPE = 'refund';
const DAY_MS = 24 * 3600 * 1000;

export interface RefundState {
  exists: boolean;
  id: string;
  status: RefundStatus;
  ticketId: string;
  disputeId?: string;
  customer: CustomerRef;
  transaction: TransactionRef;
  amount: number;
  requestedBy: RefundAuthor;
  requiresSeniorApproval: boolean;
  approvedBy?: RefundAuthor;
  expectedBy?: string;
  payoutReference?: string;
  failureReason?: string;
  overdue: boolean;
}

const initialState = (): RefundState => ({
  exists: false,
  id: '',
  status: 'requested',
  ticketId: '',
  customer: { id: '' },
  transaction: { id: '', amount: 0, currency: '' },
  amount: 0,
  requestedBy: { kind: 'system', id: '' },
  requiresSeniorApproval: false,
  overdue: false,
});

function evolve(s: RefundState, e: RefundEvent): RefundState {
  switch (e.type) {
    case 'RefundRequested':
      return {
        ...s,
        exists: true,
        id: e.data.refundId,
        status: 'requested',
        ticketId: e.data.ticketId,
        ...(e.data.disputeId ? { disputeId: e.data.disputeId } : {}),
        customer: e.data.customer,
        transaction: e.data.transaction,
        amount: e.data.amount,
        requestedBy: e.data.requestedBy,
        requiresSeniorApproval: e.data.requiresSeniorApproval,
      };
    case 'RefundReviewStarted':
      return { ...s, status: 'under_review' };
    case 'RefundApproved':
      return { ...s, status: 'approved', approvedBy: e.data.approvedBy };
    case 'RefundProcessingStarted':
      return { ...s, status: 'processing', expectedBy: e.data.expectedBy };
    case 'RefundRejected':
      return { ...s, status: 'rejected' };
    case 'RefundCanceled':
      return { ...s, status: 'canceled' };
    case 'RefundSucceeded':
      return { ...s, status: 'succeeded', payoutReference: e.data.reference };
    case 'RefundFailed':
      return {
        ...s,
        status: 'failed',
        payoutReference: e.data.reference,
        ...(e.data.failureReason ? { failureReason: e.data.failureReason } : {}),
      };
    case 'RefundOverdue':
      return { ...s, overdue: true };
  }
}

function decide(c: RefundCommand, s: RefundState): RefundEvent[] {
  if (c.type === 'RequestRefund') return requestRefund(c, s);
  if (!s.exists) throw DomainRuleError.notFound('Refund');
  switch (c.type) {
    case 'StartRefundReview':
      return startReview(c, s);
    case 'ApproveRefund':
      return approve(c, s);
    case 'RejectRefund':
      return reject(c, s);
    case 'CancelRefund':
      return cancel(c, s);
    case 'RecordPayoutResult':
      return payoutResult(c, s);
    case 'MarkRefundOverdue':
      return markOverdue(c, s);
  }
}

export const refundDecider: Decider<RefundState, RefundCommand, RefundEvent> = {
  initialState,
  evolve,
  decide,
};

const isStaffRole = (a: Actor) => isStaff(a.role);

function requestRefund(c: RequestRefund, s: RefundState): RefundEvent[] {
  const { actor, now, data } = c;
  if (!['customer', 'partner', 'system', ...STAFF_ROLES].includes(actor.role))
    throw DomainRuleError.forbidden(`A ${actor.role} may not request refunds.`);
  if (s.exists) throw DomainRuleError.invalidTransition(`Refund ${s.id} already exists.`);
  const v = new Violations();
  const own = actor.role === 'customer' ? actor.customerId : undefined;
  if (actor.role === 'customer' && !own)
    throw DomainRuleError.forbidden('A customer token without a customerId cannot request refunds.');
  if (own && !absent(data.customer) && data.customer.id !== own)
    throw DomainRuleError.forbidden('Customers request refunds for their own account only.');
  if (absent(data.customer) && !own) v.add('customer', 'is required');
  const customer = absent(data.customer) ? { id: own ?? '' } : validateCustomer(v, 'customer', data.customer);
  const transaction = absent(data.transaction)
    ? (v.add('transaction', 'is required'), { id: '', amount: 0, currency: '' })
    : validateTransaction(v, 'transaction', data.transaction);
  if (typeof data.amount !== 'number' || !Number.isSafeInteger(data.amount) || data.amount < 1) {
    v.add('amount', 'must be a positive integer in minor units');
  } else if (data.amount > transaction.amount && !v.any) {
    v.add('amount', `must not exceed the transaction amount (${transaction.amount})`);
  }
  const reason = requiredText(v, 'reason', data.reason, 2000);
  if (!data.disputeId && !transaction.occurredAt && !absent(data.transaction))
    v.add('transaction.occurredAt', 'is required: the refund window counts from it');
  v.throwIfAny();
  if (!data.disputeId && transaction.occurredAt) {
    const age = Date.parse(now) - Date.parse(transaction.occurredAt);
    if (age > data.policy.windowDays * DAY_MS) {
      throw new RefundRuleError(
        'refund_window_expired',
        `Transaction ${transaction.id} is older than the ${data.policy.windowDays}-day refund window.`,
      );
    }
  }
  return [
    {
      type: 'RefundRequested',
      data: {
        refundId: data.refundId,
        ticketId: data.ticketId,
        ...(data.disputeId ? { disputeId: data.disputeId } : {}),
        customer,
        transaction,
        amount: data.amount,
        currency: transaction.currency,
        reason,
        requestedBy: refundAuthorOf(actor),
        requiresSeniorApproval: data.amount > data.policy.seniorApprovalAmount,
        at: now,
      },
    },
  ];
}

function assertOpen(s: RefundState, what: string): void {
  if (!(OPEN_STATUSES as readonly string[]).includes(s.status))
    throw DomainRuleError.invalidTransition(`Refund ${s.id} is ${s.status}; it can no longer be ${what}.`);
}

function startReview(c: StartRefundReview, s: RefundState): RefundEvent[] {
  if (!isStaffRole(c.actor)) throw DomainRuleError.forbidden('Only staff review refunds.');
  if (s.status === 'under_review') return [];
  assertOpen(s, 'reviewed');
  return [{ type: 'RefundReviewStarted', data: { by: refundAuthorOf(c.actor), at: c.now } }];
}

function approve(c: ApproveRefund, s: RefundState): RefundEvent[] {
  const { actor, now } = c;
  if (!(APPROVER_ROLES as readonly string[]).includes(actor.role))
    throw DomainRuleError.forbidden('Only staff approve refunds.');
  assertOpen(s, 'approved');
  if (s.requiresSeniorApproval) {
    if (!(SENIOR_ROLES as readonly string[]).includes(actor.role))
      throw DomainRuleError.forbidden(
        `Refund ${s.id} (${s.amount}) is above the senior approval threshold: a senior agent approves it.`,
      );
    if (s.requestedBy.kind === 'agent' && s.requestedBy.id === actor.id)
      throw DomainRuleError.forbidden('Four eyes: the agent who requested a refund may not approve it.');
  }
  const expectedBy = new Date(Date.parse(now) + c.data.processingSeconds * 1000).toISOString();
  return [
    { type: 'RefundApproved', data: { ...summary(s), approvedBy: refundAuthorOf(actor), at: now } },
    { type: 'RefundProcessingStarted', data: { expectedBy, at: now } },
  ];
}

function reject(c: RejectRefund, s: RefundState): RefundEvent[] {
  if (!isStaffRole(c.actor)) throw DomainRuleError.forbidden('Only staff reject refunds.');
  const v = new Violations();
  const reason = requiredText(v, 'reason', c.data.reason, 2000);
  v.throwIfAny();
  assertOpen(s, 'rejected');
  return [
    { type: 'RefundRejected', data: { ...summary(s), reason, by: refundAuthorOf(c.actor), at: c.now } },
  ];
}

function cancel(c: CancelRefund, s: RefundState): RefundEvent[] {
  const { actor } = c;
  if (actor.role === 'system') throw DomainRuleError.forbidden('The system does not cancel refunds.');
  if (actor.role === 'customer' && actor.customerId !== s.customer.id)
    throw DomainRuleError.notFound('Refund', s.id);
  const v = new Violations();
  const reason = optionalText(v, 'reason', c.data.reason, 2000);
  v.throwIfAny();
  assertOpen(s, 'canceled');
  return [
    {
      type: 'RefundCanceled',
      data: { ...(reason === undefined ? {} : { reason }), by: refundAuthorOf(actor), at: c.now },
    },
  ];
}

function payoutResult(c: RecordPayoutResult, s: RefundState): RefundEvent[] {
  const { actor, data, now } = c;
  if (actor.role !== 'partner' && actor.role !== 'system')
    throw DomainRuleError.forbidden('Payout results come from the payments core.');
  const v = new Violations();
  if (!(PAYOUT_RESULTS as readonly string[]).includes(data.status))
    v.add('status', `must be one of ${PAYOUT_RESULTS.join(', ')}`);
  const reference = requiredText(v, 'reference', data.reference, 200);
  const failureReason = optionalText(v, 'failureReason', data.failureReason, 2000);
  v.throwIfAny();
  if (s.status === 'succeeded' || s.status === 'failed') {
    // The same report again (a retried callback): nothing new.
    if (s.payoutReference === reference && s.status === data.status) return [];
    throw DomainRuleError.invalidTransition(
      `Refund ${s.id} was already settled as ${s.status} (reference ${s.payoutReference ?? '-'}).`,
    );
  }
  if (s.status !== 'processing')
    throw DomainRuleError.invalidTransition(`Refund ${s.id} is ${s.status}, not processing.`);
  const settled = { ...summary(s), status: data.status, reference, at: now };
  return data.status === 'succeeded'
    ? [{ type: 'RefundSucceeded', data: settled }]
    : [
        {
          type: 'RefundFailed',
          data: { ...settled, failureReason: failureReason ?? 'unspecified' },
        },
      ];
}

function markOverdue(c: MarkRefundOverdue, s: RefundState): RefundEvent[] {
  if (c.actor.role !== 'system') throw DomainRuleError.forbidden('Only the worker marks refunds overdue.');
  if (s.status !== 'processing' || s.overdue || !s.expectedBy) return [];
  if (Date.parse(c.now) < Date.parse(s.expectedBy)) return [];
  return [
    {
      type: 'RefundOverdue',
      data: { expectedBy: s.expectedBy, followUpTicketId: c.data.followUpTicketId, at: c.now },
    },
  ];
}

function summary(s: RefundState) {
  return {
    refundId: s.id,
    ticketId: s.ticketId,
    customerId: s.customer.id,
    transactionId: s.transaction.id,
    amount: s.amount,
    currency: s.transaction.currency,
  };
}

/** Whether the overdue job should act (read before opening the follow-up ticket). */
export function isOverdue(s: RefundState, now: string): boolean {
  return (
    s.exists &&
    s.status === 'processing' &&
    !s.overdue &&
    !!s.expectedBy &&
    Date.parse(now) >= Date.parse(s.expectedBy)
  );
}
