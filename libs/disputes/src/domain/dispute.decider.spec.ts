import { Actor } from '@kefu/kernel';
import { deciderSpec } from '@kefu/test-fixtures/domain';
import { DisputeCommand, OpenDisputeData } from './dispute.commands';
import { disputeDecider } from './dispute.decider';
import { DisputeEvent } from './dispute.events';
import { disputeSlotDecider } from './dispute-slot.decider';

const given = deciderSpec(disputeDecider);
const NOW = '2026-11-22T10:00:00.000Z';
const HOUR_LATER = '2026-11-22T11:00:00.000Z';
const DAY_LATER = '2026-11-23T10:00:00.000Z';
const customer: Actor = { role: 'customer', id: 'u-1', customerId: 'acc-1' };
const agent: Actor = { role: 'agent', id: 'a-1' };
const senior: Actor = { role: 'senior_agent', id: 's-1' };
const supervisor: Actor = { role: 'supervisor', id: 'v-1' };
const admin: Actor = { role: 'admin', id: 'ad-1' };
const merchant: Actor = { role: 'partner', id: 'merchant-portal' };
const system: Actor = { role: 'system', id: 'kefu-worker' };

const openCmd = (over: Partial<OpenDisputeData> = {}, actor: Actor = agent): DisputeCommand => ({
  type: 'OpenDispute',
  actor,
  now: NOW,
  data: {
    disputeId: 'd-1',
    ticketId: 't-1',
    customer: { id: 'acc-1' },
    transaction: { id: 'tx-1', amount: 10_000, currency: 'CNY', merchantId: 'm-1' },
    reason: 'never delivered',
    claimedAmount: 8000,
    // merchant: 1 hour; customer: 2 hours
    policy: { merchantResponseSeconds: 3600, customerEvidenceSeconds: 7200 },
    ...over,
  },
});
const cmd = (type: DisputeCommand['type'], actor: Actor, data: object = {}, now = NOW) =>
  ({ type, actor, now, data }) as DisputeCommand;
const run = (history: DisputeEvent[], c: DisputeCommand) =>
  disputeDecider.decide(c, history.reduce(disputeDecider.evolve, disputeDecider.initialState()));

const opened = run([], openCmd());
const evidence = (party: string, actor: Actor, now = NOW) =>
  cmd(
    'SubmitDisputeEvidence',
    actor,
    { evidenceId: 'e-1', party, kind: 'receipt', description: 'see receipt' },
    now,
  );
const underReview = [...opened, ...run(opened, evidence('merchant', merchant))];
const decide = (actor: Actor, outcome: string, awardedAmount?: number) =>
  cmd('DecideDispute', actor, {
    outcome,
    rationale: 'proof of non-delivery',
    refundId: 'r-1',
    ...(awardedAmount === undefined ? {} : { awardedAmount }),
  });

describe('OpenDispute', () => {
  it('opens and waits for the merchant with its deadline', () => {
    given().when(openCmd()).thenState({ status: 'awaiting_merchant', merchantResponseDueAt: HOUR_LATER });
    expect(opened.map((e) => e.type)).toEqual(['DisputeOpened', 'DisputeStatusChanged']);
  });
  it('a customer opens for their own account only', () => {
    given()
      .when(openCmd({ customer: undefined }, customer))
      .thenState({ customer: { id: 'acc-1' } });
    given()
      .when(openCmd({ customer: { id: 'acc-2' } }, customer))
      .thenThrows('forbidden');
    given().when(openCmd({}, system)).thenThrows('forbidden');
  });
  it('refuses a claim above the transaction amount, and bad input', () => {
    given()
      .when(openCmd({ claimedAmount: 10_001 }))
      .thenThrows('validation_failed', 'claimedAmount');
    given()
      .when(openCmd({ claimedAmount: 0 }))
      .thenThrows('validation_failed', 'claimedAmount');
    given()
      .when(openCmd({ reason: '' }))
      .thenThrows('validation_failed', 'reason');
    given()
      .when(openCmd({ transaction: { id: 'tx', amount: 10, currency: 'CNY' } }))
      .thenThrows('validation_failed', 'transaction.merchantId');
  });
  it('a stream opens once', () => {
    given(opened).when(openCmd()).thenThrows('invalid_transition');
  });
});

describe('evidence', () => {
  it('the merchant answering moves the dispute to review, flagged as responded', () => {
    given(opened)
      .when(evidence('merchant', merchant))
      .thenState({ status: 'under_review', merchantResponded: true });
  });
  it('customers add as the customer only; agents as any party; partners as customer or merchant', () => {
    given(opened).when(evidence('customer', customer)).thenState({ status: 'awaiting_merchant' });
    given(opened).when(evidence('merchant', customer)).thenThrows('forbidden');
    given(opened).when(evidence('agent', merchant)).thenThrows('forbidden');
    given(opened).when(evidence('agent', agent)).thenState({ status: 'awaiting_merchant' });
    given(opened).when(evidence('customer', system)).thenThrows('forbidden');
  });
  it("closes each party's window at its deadline (422 evidence_window_closed)", () => {
    expect(() => run(opened, evidence('merchant', merchant, DAY_LATER))).toThrow(
      expect.objectContaining({ code: 'evidence_window_closed' }),
    );
    expect(() => run(opened, evidence('customer', customer, DAY_LATER))).toThrow(
      expect.objectContaining({ code: 'evidence_window_closed' }),
    );
    expect(run(opened, evidence('agent', agent, DAY_LATER))).toHaveLength(1);
  });
  it('refuses bad input and decided disputes', () => {
    given(opened)
      .when(
        cmd('SubmitDisputeEvidence', agent, { evidenceId: 'e', party: 'judge', kind: '', description: '' }),
      )
      .thenThrows('validation_failed', 'party');
    const decided = [...underReview, ...run(underReview, decide(senior, 'lost'))];
    given(decided).when(evidence('customer', customer)).thenThrows('invalid_transition');
  });
});

describe('MerchantDeadlinePassed', () => {
  it('moves an unanswered dispute to review, flagged as not responded', () => {
    given(opened)
      .when(cmd('MerchantDeadlinePassed', system, {}, DAY_LATER))
      .thenState({ status: 'under_review', merchantResponded: false });
  });
  it('does nothing early, after an answer, or twice; only the worker runs it', () => {
    given(opened)
      .when(cmd('MerchantDeadlinePassed', system, {}, NOW))
      .then([]);
    given(underReview)
      .when(cmd('MerchantDeadlinePassed', system, {}, DAY_LATER))
      .then([]);
    given(opened)
      .when(cmd('MerchantDeadlinePassed', agent, {}, DAY_LATER))
      .thenThrows('forbidden');
  });
});

describe('DecideDispute', () => {
  it('won awards the claimed amount by default and names the refund', () => {
    const [e] = run(underReview, decide(senior, 'won'));
    expect(e).toMatchObject({
      type: 'DisputeDecided',
      data: { outcome: 'won', awardedAmount: 8000, refundId: 'r-1' },
    });
  });
  it('settled with an amount creates a refund; without, none; lost never', () => {
    expect(run(underReview, decide(supervisor, 'settled', 3000))[0].data).toMatchObject({
      awardedAmount: 3000,
      refundId: 'r-1',
    });
    expect(run(underReview, decide(supervisor, 'settled'))[0].data).not.toHaveProperty('refundId');
    expect(run(underReview, decide(senior, 'lost'))[0].data).not.toHaveProperty('refundId');
  });
  it('refuses awards outside the claim', () => {
    given(underReview)
      .when(decide(senior, 'won', 9000))
      .thenThrows('validation_failed', 'awardedAmount');
    given(underReview)
      .when(decide(senior, 'lost', 10))
      .thenThrows('validation_failed', 'awardedAmount');
    given(underReview)
      .when(decide(senior, 'settled', -1))
      .thenThrows('validation_failed', 'awardedAmount');
    given(underReview)
      .when(cmd('DecideDispute', senior, { outcome: 'won', rationale: '' }))
      .thenThrows('validation_failed', 'rationale');
  });
  it('only seniors and supervisors decide', () => {
    for (const a of [agent, admin, customer, merchant, system])
      given(underReview).when(decide(a, 'won')).thenThrows('forbidden');
  });
  it('a decision is final; a withdrawn dispute is not decided', () => {
    const decided = [...underReview, ...run(underReview, decide(senior, 'won'))];
    given(decided).when(decide(senior, 'lost')).thenThrows('invalid_transition');
    const withdrawn = [...opened, ...run(opened, cmd('WithdrawDispute', customer))];
    given(withdrawn).when(decide(senior, 'won')).thenThrows('invalid_transition');
  });
});

describe('WithdrawDispute', () => {
  it('the customer (own), partners and staff withdraw an active dispute', () => {
    given(opened)
      .when(cmd('WithdrawDispute', customer, { reason: 'merchant refunded' }))
      .thenState({ status: 'withdrawn' });
    given(opened)
      .when(cmd('WithdrawDispute', { ...customer, customerId: 'acc-9' }))
      .thenThrows('not_found');
    given(opened).when(cmd('WithdrawDispute', merchant)).thenState({ status: 'withdrawn' });
    given(opened).when(cmd('WithdrawDispute', system)).thenThrows('forbidden');
    const withdrawn = [...opened, ...run(opened, cmd('WithdrawDispute', agent))];
    given(withdrawn).when(cmd('WithdrawDispute', agent)).thenThrows('invalid_transition');
  });
  it('commands on a missing dispute are not_found', () => {
    given().when(cmd('WithdrawDispute', agent)).thenThrows('not_found');
  });
});

describe('the per-transaction slot', () => {
  const slot = deciderSpec(disputeSlotDecider);
  const claim = (disputeId: string) =>
    ({
      type: 'ClaimDisputeSlot',
      actor: agent,
      now: NOW,
      data: { disputeId, transactionId: 'tx-1' },
    }) as const;
  const claimed = {
    type: 'DisputeSlotClaimed',
    data: { disputeId: 'd-1', transactionId: 'tx-1', at: NOW },
  } as const;
  it('one open dispute per transaction (dispute_already_open), free again after release', () => {
    slot().when(claim('d-1')).then([claimed]);
    expect(() => disputeSlotDecider.decide(claim('d-2'), disputeSlotDecider.evolve({}, claimed))).toThrow(
      expect.objectContaining({ code: 'dispute_already_open' }),
    );
    const released = {
      type: 'DisputeSlotReleased',
      data: { disputeId: 'd-1', because: 'won', at: NOW },
    } as const;
    slot([claimed, released]).when(claim('d-2')).thenState({ openDisputeId: 'd-2' });
    slot([claimed])
      .when({ type: 'ReleaseDisputeSlot', actor: agent, now: NOW, data: { disputeId: 'd-9', because: 'x' } })
      .then([]);
  });
});
