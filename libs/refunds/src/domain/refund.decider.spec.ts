import { Actor } from '@kefu/kernel';
import { deciderSpec } from '@kefu/test-fixtures/domain';
import { RefundCommand, RequestRefundData } from './refund.commands';
import { refundDecider } from './refund.decider';
import { RefundEvent } from './refund.events';
import { RefundRuleError } from './refund.types';

const given = deciderSpec(refundDecider);
const NOW = '2026-11-22T10:00:00.000Z';
const customer: Actor = { role: 'customer', id: 'u-1', customerId: 'acc-1' };
const agent: Actor = { role: 'agent', id: 'a-1' };
const agent2: Actor = { role: 'agent', id: 'a-2' };
const senior: Actor = { role: 'senior_agent', id: 's-1' };
const partner: Actor = { role: 'partner', id: 'payments' };
const system: Actor = { role: 'system', id: 'kefu-worker' };

const request = (over: Partial<RequestRefundData> = {}, actor: Actor = agent): RefundCommand => ({
  type: 'RequestRefund',
  actor,
  now: NOW,
  data: {
    refundId: 'r-1',
    ticketId: 't-1',
    customer: { id: 'acc-1' },
    transaction: { id: 'tx-1', amount: 10_000, currency: 'CNY', occurredAt: '2026-11-01T00:00:00Z' },
    amount: 3000,
    reason: 'double charge',
    policy: { windowDays: 180, seniorApprovalAmount: 500_000 },
    ...over,
  },
});
const cmd = (type: RefundCommand['type'], actor: Actor, data: object = {}, now = NOW) =>
  ({ type, actor, now, data }) as RefundCommand;

function requested(over: Partial<RequestRefundData> = {}, actor: Actor = agent): RefundEvent {
  return refundDecider.decide(request(over, actor), refundDecider.initialState())[0];
}
const approved: RefundEvent[] = refundDecider.decide(
  cmd('ApproveRefund', agent2, { processingSeconds: 60 }),
  [requested()].reduce(refundDecider.evolve, refundDecider.initialState()),
);
const processing = [requested(), ...approved];

function throwsCode(history: RefundEvent[], c: RefundCommand, code: string): void {
  const s = history.reduce(refundDecider.evolve, refundDecider.initialState());
  let err: unknown;
  try {
    refundDecider.decide(c, s);
  } catch (e) {
    err = e;
  }
  expect(err).toBeDefined();
  expect((err as RefundRuleError).code).toBe(code);
}

describe('RequestRefund', () => {
  it('records the request with who asked and whether a senior must approve', () => {
    expect(requested()).toMatchObject({
      type: 'RefundRequested',
      data: {
        amount: 3000,
        currency: 'CNY',
        requestedBy: { kind: 'agent', id: 'a-1' },
        requiresSeniorApproval: false,
      },
    });
    expect(
      requested({
        amount: 600_000,
        transaction: { id: 'tx', amount: 900_000, currency: 'CNY', occurredAt: NOW },
      }).data,
    ).toMatchObject({ requiresSeniorApproval: true });
  });
  it('lets a customer request for their own account (defaulted) but not another', () => {
    expect(requested({ customer: undefined }, customer).data).toMatchObject({ customer: { id: 'acc-1' } });
    given()
      .when(request({ customer: { id: 'acc-9' } }, customer))
      .thenThrows('forbidden');
  });
  it('refuses bad input with every field named', () => {
    given()
      .when(request({ amount: 0 }))
      .thenThrows('validation_failed', 'amount');
    given()
      .when(request({ amount: 10_001 }))
      .thenThrows('validation_failed', 'amount');
    given()
      .when(request({ reason: ' ' }))
      .thenThrows('validation_failed', 'reason');
    given()
      .when(request({ transaction: { id: 'tx', amount: 100, currency: 'CNY' } }))
      .thenThrows('validation_failed', 'transaction.occurredAt');
    given()
      .when(request({ customer: undefined }))
      .thenThrows('validation_failed', 'customer');
  });
  it('refuses a transaction older than the window with refund_window_expired', () => {
    throwsCode(
      [],
      request({
        transaction: { id: 'tx', amount: 100, currency: 'CNY', occurredAt: '2026-01-01T00:00:00Z' },
        amount: 50,
      }),
      'refund_window_expired',
    );
  });
  it('a dispute award needs no occurredAt and ignores the window', () => {
    expect(
      requested(
        { disputeId: 'd-1', transaction: { id: 'tx', amount: 100, currency: 'CNY' }, amount: 50 },
        system,
      ).data,
    ).toMatchObject({ disputeId: 'd-1' });
  });
  it('a second request on the same stream is an invalid transition', () => {
    given([requested()]).when(request()).thenThrows('invalid_transition');
  });
});

describe('review, approval and the four-eyes rule', () => {
  it('staff start the review; again is a no-op; customers may not', () => {
    given([requested()]).when(cmd('StartRefundReview', agent)).thenState({ status: 'under_review' });
    given([requested(), { type: 'RefundReviewStarted', data: { by: { kind: 'agent', id: 'a-1' }, at: NOW } }])
      .when(cmd('StartRefundReview', agent))
      .then([]);
    given([requested()]).when(cmd('StartRefundReview', customer)).thenThrows('forbidden');
  });
  it('review and approval only before approval: from under_review it approves, from processing neither', () => {
    const reviewed = [
      requested(),
      { type: 'RefundReviewStarted', data: { by: { kind: 'agent', id: 'a-1' }, at: NOW } } as RefundEvent,
    ];
    given(reviewed)
      .when(cmd('ApproveRefund', agent, { processingSeconds: 1 }))
      .thenState({ status: 'processing' });
    given(processing).when(cmd('StartRefundReview', agent)).thenThrows('invalid_transition');
  });
  it('approval starts processing with the promised date', () => {
    given([requested()])
      .when(cmd('ApproveRefund', agent, { processingSeconds: 3600 }))
      .then([
        {
          type: 'RefundApproved',
          data: {
            refundId: 'r-1',
            ticketId: 't-1',
            customerId: 'acc-1',
            transactionId: 'tx-1',
            amount: 3000,
            currency: 'CNY',
            approvedBy: { kind: 'agent', id: 'a-1' },
            at: NOW,
          },
        },
        { type: 'RefundProcessingStarted', data: { expectedBy: '2026-11-22T11:00:00.000Z', at: NOW } },
      ]);
  });
  it('above the threshold only a senior approves, and never the requester', () => {
    const big = requested(
      { amount: 600_000, transaction: { id: 'tx', amount: 900_000, currency: 'CNY', occurredAt: NOW } },
      senior,
    );
    given([big])
      .when(cmd('ApproveRefund', agent, { processingSeconds: 1 }))
      .thenThrows('forbidden');
    given([big])
      .when(cmd('ApproveRefund', senior, { processingSeconds: 1 }))
      .thenThrows('forbidden');
    given([big])
      .when(cmd('ApproveRefund', { role: 'senior_agent', id: 's-2' }, { processingSeconds: 1 }))
      .thenState({ status: 'processing' });
  });
  it('customers and partners do not approve; approved refunds are not approved again', () => {
    given([requested()])
      .when(cmd('ApproveRefund', customer, { processingSeconds: 1 }))
      .thenThrows('forbidden');
    given([requested()])
      .when(cmd('ApproveRefund', partner, { processingSeconds: 1 }))
      .thenThrows('forbidden');
    given(processing)
      .when(cmd('ApproveRefund', agent, { processingSeconds: 1 }))
      .thenThrows('invalid_transition');
  });
});

describe('reject and cancel', () => {
  it('staff reject an open refund with a reason', () => {
    given([requested()])
      .when(cmd('RejectRefund', agent, { reason: 'no proof' }))
      .thenState({ status: 'rejected' });
    given([requested()])
      .when(cmd('RejectRefund', agent, { reason: '' }))
      .thenThrows('validation_failed', 'reason');
    given([requested()])
      .when(cmd('RejectRefund', customer, { reason: 'x' }))
      .thenThrows('forbidden');
    given(processing)
      .when(cmd('RejectRefund', agent, { reason: 'x' }))
      .thenThrows('invalid_transition');
  });
  it('the customer (own only), partners and staff cancel before approval', () => {
    given([requested()]).when(cmd('CancelRefund', customer)).thenState({ status: 'canceled' });
    given([requested()])
      .when(cmd('CancelRefund', { ...customer, customerId: 'acc-2' }))
      .thenThrows('not_found');
    given([requested()])
      .when(cmd('CancelRefund', partner, { reason: 'dup' }))
      .thenState({ status: 'canceled' });
    given(processing).when(cmd('CancelRefund', agent)).thenThrows('invalid_transition');
    given([requested()]).when(cmd('CancelRefund', system)).thenThrows('forbidden');
  });
});

describe('payout results', () => {
  const ok = { status: 'succeeded', reference: 'po-1' };
  it('settle a processing refund once; the same report again changes nothing', () => {
    given(processing)
      .when(cmd('RecordPayoutResult', partner, ok))
      .thenState({ status: 'succeeded', payoutReference: 'po-1' });
    const settled = [...processing, { type: 'RefundSucceeded', data: { ...ok, at: NOW } } as RefundEvent];
    given(settled)
      .when(cmd('RecordPayoutResult', partner, ok))
      .then([]);
    given(settled)
      .when(cmd('RecordPayoutResult', partner, { status: 'failed', reference: 'po-1' }))
      .thenThrows('invalid_transition');
    given(settled)
      .when(cmd('RecordPayoutResult', partner, { ...ok, reference: 'po-2' }))
      .thenThrows('invalid_transition');
  });
  it('a failure records its reason', () => {
    given(processing)
      .when(
        cmd('RecordPayoutResult', partner, {
          status: 'failed',
          reference: 'po-1',
          failureReason: 'card closed',
        }),
      )
      .thenState({ status: 'failed', failureReason: 'card closed' });
  });
  it('refuses results before approval, from people, and bad input', () => {
    given([requested()])
      .when(cmd('RecordPayoutResult', partner, ok))
      .thenThrows('invalid_transition');
    given(processing)
      .when(cmd('RecordPayoutResult', agent, ok))
      .thenThrows('forbidden');
    given(processing)
      .when(cmd('RecordPayoutResult', partner, { status: 'maybe', reference: '' }))
      .thenThrows('validation_failed', 'status');
  });
  it('commands on a refund that does not exist are not_found', () => {
    given()
      .when(cmd('RecordPayoutResult', partner, ok))
      .thenThrows('not_found');
  });
});

describe('MarkRefundOverdue', () => {
  const late = '2026-11-22T10:05:00.000Z';
  it('marks a processing refund past expectedBy, once', () => {
    given(processing)
      .when(cmd('MarkRefundOverdue', system, { followUpTicketId: 't-2' }, late))
      .thenState({ overdue: true });
    const marked = [
      ...processing,
      ...refundDecider.decide(
        cmd('MarkRefundOverdue', system, { followUpTicketId: 't-2' }, late),
        processing.reduce(refundDecider.evolve, refundDecider.initialState()),
      ),
    ];
    given(marked)
      .when(cmd('MarkRefundOverdue', system, { followUpTicketId: 't-3' }, late))
      .then([]);
  });
  it('does nothing before the date or once settled; only the system marks', () => {
    given(processing)
      .when(cmd('MarkRefundOverdue', system, { followUpTicketId: 't-2' }, NOW))
      .then([]);
    given([
      ...processing,
      { type: 'RefundSucceeded', data: { status: 'succeeded', reference: 'x', at: NOW } } as RefundEvent,
    ])
      .when(cmd('MarkRefundOverdue', system, { followUpTicketId: 't-2' }, late))
      .then([]);
    given(processing)
      .when(cmd('MarkRefundOverdue', agent, { followUpTicketId: 't-2' }, late))
      .thenThrows('forbidden');
  });
});
