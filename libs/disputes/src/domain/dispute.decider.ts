// The dispute aggregate: open → awaiting_merchant → under_review → won | lost | settled, or withdrawn.
// "At most one open dispute per transaction" lives on the transaction's slot stream (dispute-slot).
import {
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
import { validateAttachments, validateCustomer, validateTransaction } from '@kefu/tickets/domain';
import {
  DecideDispute,
  DisputeCommand,
  MerchantDeadlinePassed,
  OpenDispute,
  SubmitDisputeEvidence,
  WithdrawDispute,
} from './dispute.commands';
import { DisputeEvent } from './dispute.events';
import {
  ACTIVE_DISPUTE_STATUSES,
  DECIDER_ROLES,
  DISPUTE_OUTCOMES,
  DISPUTE_PARTIES,
  DisputeOutcome,
  DisputeRuleError,
  DisputeStatus,
  disputeActorOf,
} from './dispute.types';

export const DISPUTE_STREAM_TYPE = 'dispute';

export interface DisputeState {
  exists: boolean;
  id: string;
  status: DisputeStatus;
  ticketId: string;
  customer: CustomerRef;
  transaction: TransactionRef;
  claimedAmount: number;
  customerEvidenceDueAt: string;
  merchantResponseDueAt?: string;
  merchantResponded: boolean;
  outcome?: DisputeOutcome;
  awardedAmount?: number;
  refundId?: string;
}

const initialState = (): DisputeState => ({
  exists: false,
  id: '',
  status: 'open',
  ticketId: '',
  customer: { id: '' },
  transaction: { id: '', amount: 0, currency: '' },
  claimedAmount: 0,
  customerEvidenceDueAt: '',
  merchantResponded: false,
});

function evolve(s: DisputeState, e: DisputeEvent): DisputeState {
  switch (e.type) {
    case 'DisputeOpened':
      return {
        ...s,
        exists: true,
        id: e.data.disputeId,
        status: 'open',
        ticketId: e.data.ticketId,
        customer: e.data.customer,
        transaction: e.data.transaction,
        claimedAmount: e.data.claimedAmount,
        customerEvidenceDueAt: e.data.customerEvidenceDueAt,
      };
    case 'DisputeStatusChanged':
      return {
        ...s,
        status: e.data.to,
        ...(e.data.merchantResponseDueAt ? { merchantResponseDueAt: e.data.merchantResponseDueAt } : {}),
        ...(e.data.merchantResponded !== undefined ? { merchantResponded: e.data.merchantResponded } : {}),
      };
    case 'DisputeEvidenceAdded':
      return s;
    case 'DisputeDecided':
      return {
        ...s,
        status: e.data.outcome,
        outcome: e.data.outcome,
        awardedAmount: e.data.awardedAmount,
        ...(e.data.refundId ? { refundId: e.data.refundId } : {}),
      };
    case 'DisputeWithdrawn':
      return { ...s, status: 'withdrawn' };
  }
}

function decide(c: DisputeCommand, s: DisputeState): DisputeEvent[] {
  if (c.type === 'OpenDispute') return open(c, s);
  if (!s.exists) throw DomainRuleError.notFound('Dispute');
  switch (c.type) {
    case 'SubmitDisputeEvidence':
      return submitEvidence(c, s);
    case 'MerchantDeadlinePassed':
      return merchantDeadline(c, s);
    case 'DecideDispute':
      return decideDispute(c, s);
    case 'WithdrawDispute':
      return withdraw(c, s);
  }
}

export const disputeDecider: Decider<DisputeState, DisputeCommand, DisputeEvent> = {
  initialState,
  evolve,
  decide,
};

export function isActive(s: Pick<DisputeState, 'status'>): boolean {
  return (ACTIVE_DISPUTE_STATUSES as readonly string[]).includes(s.status);
}

const plus = (iso: string, seconds: number) => new Date(Date.parse(iso) + seconds * 1000).toISOString();

function open(c: OpenDispute, s: DisputeState): DisputeEvent[] {
  const { actor, now, data } = c;
  if (!['customer', 'partner', ...STAFF_ROLES].includes(actor.role))
    throw DomainRuleError.forbidden(`A ${actor.role} may not open disputes.`);
  if (s.exists) throw DomainRuleError.invalidTransition(`Dispute ${s.id} already exists.`);
  const own = actor.role === 'customer' ? actor.customerId : undefined;
  if (actor.role === 'customer' && !own)
    throw DomainRuleError.forbidden('A customer token without a customerId cannot open disputes.');
  if (own && !absent(data.customer) && data.customer.id !== own)
    throw DomainRuleError.forbidden('Customers open disputes for their own account only.');
  const v = new Violations();
  if (absent(data.customer) && !own) v.add('customer', 'is required');
  const customer = absent(data.customer) ? { id: own ?? '' } : validateCustomer(v, 'customer', data.customer);
  let transaction: TransactionRef = { id: '', amount: 0, currency: '' };
  if (absent(data.transaction)) v.add('transaction', 'is required');
  else {
    transaction = validateTransaction(v, 'transaction', data.transaction);
    if (!transaction.merchantId)
      v.add('transaction.merchantId', 'is required: the merchant answers the dispute');
  }
  const reason = requiredText(v, 'reason', data.reason, 2000);
  const claimed = data.claimedAmount;
  if (typeof claimed !== 'number' || !Number.isSafeInteger(claimed) || claimed < 1)
    v.add('claimedAmount', 'must be a positive integer in minor units');
  else if (!v.any && claimed > transaction.amount)
    v.add('claimedAmount', `must not exceed the transaction amount (${transaction.amount})`);
  v.throwIfAny();
  const merchantResponseDueAt = plus(now, data.policy.merchantResponseSeconds);
  return [
    {
      type: 'DisputeOpened',
      data: {
        disputeId: data.disputeId,
        ticketId: data.ticketId,
        customer,
        transaction,
        reason,
        claimedAmount: claimed,
        openedBy: disputeActorOf(actor),
        customerEvidenceDueAt: plus(now, data.policy.customerEvidenceSeconds),
        at: now,
      },
    },
    {
      type: 'DisputeStatusChanged',
      data: {
        disputeId: data.disputeId,
        from: 'open',
        to: 'awaiting_merchant',
        reason: 'merchant_notified',
        merchantResponseDueAt,
        at: now,
      },
    },
  ];
}

function assertActive(s: DisputeState, what: string): void {
  if (!isActive(s))
    throw DomainRuleError.invalidTransition(`Dispute ${s.id} is ${s.status}; it can no longer ${what}.`);
}

function submitEvidence(c: SubmitDisputeEvidence, s: DisputeState): DisputeEvent[] {
  const { actor, now, data } = c;
  const v = new Violations();
  const party = (DISPUTE_PARTIES as readonly string[]).includes(data.party) ? data.party : undefined;
  if (!party) v.add('party', `must be one of ${DISPUTE_PARTIES.join(', ')}`);
  const kind = requiredText(v, 'kind', data.kind, 100);
  const description = requiredText(v, 'description', data.description, 5000);
  const attachments = validateAttachments(v, 'attachments', data.attachments);
  v.throwIfAny();
  const mayAs: Record<string, readonly string[]> = {
    customer: ['customer'],
    partner: ['customer', 'merchant'],
  };
  const allowed = isStaff(actor.role) ? DISPUTE_PARTIES : (mayAs[actor.role] ?? []);
  if (!allowed.includes(party!))
    throw DomainRuleError.forbidden(`A ${actor.role} may not submit evidence as the ${party}.`);
  assertActive(s, 'take evidence');
  const deadline =
    party === 'customer'
      ? s.customerEvidenceDueAt
      : party === 'merchant'
        ? s.merchantResponseDueAt
        : undefined;
  if (deadline && Date.parse(now) > Date.parse(deadline))
    throw new DisputeRuleError(
      'evidence_window_closed',
      `The ${party}'s evidence window of dispute ${s.id} closed at ${deadline}.`,
    );
  const events: DisputeEvent[] = [
    {
      type: 'DisputeEvidenceAdded',
      data: {
        disputeId: s.id,
        evidenceId: data.evidenceId,
        party: party!,
        kind,
        description,
        attachments,
        submittedBy: disputeActorOf(actor),
        at: now,
      },
    },
  ];
  if (party === 'merchant' && s.status === 'awaiting_merchant') {
    events.push({
      type: 'DisputeStatusChanged',
      data: {
        disputeId: s.id,
        from: s.status,
        to: 'under_review',
        reason: 'merchant_responded',
        merchantResponded: true,
        at: now,
      },
    });
  }
  return events;
}

function merchantDeadline(c: MerchantDeadlinePassed, s: DisputeState): DisputeEvent[] {
  if (c.actor.role !== 'system')
    throw DomainRuleError.forbidden('Only the worker applies the merchant deadline.');
  if (s.status !== 'awaiting_merchant' || !s.merchantResponseDueAt) return [];
  if (Date.parse(c.now) < Date.parse(s.merchantResponseDueAt)) return [];
  return [
    {
      type: 'DisputeStatusChanged',
      data: {
        disputeId: s.id,
        from: s.status,
        to: 'under_review',
        reason: 'merchant_deadline_missed',
        merchantResponded: false,
        at: c.now,
      },
    },
  ];
}

function decideDispute(c: DecideDispute, s: DisputeState): DisputeEvent[] {
  const { actor, now, data } = c;
  if (!(DECIDER_ROLES as readonly string[]).includes(actor.role))
    throw DomainRuleError.forbidden('Only a senior agent or a supervisor decides disputes.');
  const v = new Violations();
  const outcome = (DISPUTE_OUTCOMES as readonly string[]).includes(data.outcome) ? data.outcome : undefined;
  if (!outcome) v.add('outcome', `must be one of ${DISPUTE_OUTCOMES.join(', ')}`);
  const rationale = requiredText(v, 'rationale', data.rationale, 5000);
  const given = data.awardedAmount;
  const validAmount = (min: number) =>
    typeof given === 'number' && Number.isSafeInteger(given) && given >= min && given <= s.claimedAmount;
  let awarded = 0;
  if (outcome === 'won') {
    if (absent(given)) awarded = s.claimedAmount;
    else if (!validAmount(1))
      v.add('awardedAmount', `must be from 1 to the claimed amount (${s.claimedAmount})`);
    else awarded = given;
  } else if (outcome === 'lost') {
    if (!absent(given) && given !== 0)
      v.add('awardedAmount', 'must be absent (or 0) when the dispute is lost');
  } else if (outcome === 'settled' && !absent(given)) {
    if (!validAmount(0)) v.add('awardedAmount', `must be from 0 to the claimed amount (${s.claimedAmount})`);
    else awarded = given;
  }
  v.throwIfAny();
  if (s.outcome)
    throw DomainRuleError.invalidTransition(
      `Dispute ${s.id} was already decided (${s.outcome}); a decision is final.`,
    );
  assertActive(s, 'be decided');
  return [
    {
      type: 'DisputeDecided',
      data: {
        disputeId: s.id,
        outcome: outcome!,
        awardedAmount: awarded,
        currency: s.transaction.currency,
        rationale,
        decidedBy: disputeActorOf(actor),
        ...(awarded > 0 ? { refundId: data.refundId } : {}),
        at: now,
      },
    },
  ];
}

function withdraw(c: WithdrawDispute, s: DisputeState): DisputeEvent[] {
  const { actor, now } = c;
  if (actor.role === 'system') throw DomainRuleError.forbidden('The system does not withdraw disputes.');
  if (actor.role === 'customer' && actor.customerId !== s.customer.id)
    throw DomainRuleError.notFound('Dispute', s.id);
  const v = new Violations();
  const reason = optionalText(v, 'reason', c.data.reason, 2000);
  v.throwIfAny();
  assertActive(s, 'be withdrawn');
  return [
    {
      type: 'DisputeWithdrawn',
      data: {
        disputeId: s.id,
        ...(reason === undefined ? {} : { reason }),
        by: disputeActorOf(actor),
        at: now,
      },
    },
  ];
}
