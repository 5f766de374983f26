import { Actor } from '@kefu/kernel';
import { deciderSpec } from '@kefu/test-fixtures/domain';
import { RefundLedgerCommand, RefundLedgerEvent, refundLedgerDecider } from './refund-ledger.decider';

const given = deciderSpec(refundLedgerDecider);
const NOW = '2026-11-22T10:00:00.000Z';
const actor: Actor = { role: 'agent', id: 'a-1' };
const tx = { id: 'tx-1', amount: 10_000, currency: 'CNY' };
const reserve = (refundId: string, amount: number, t = tx): RefundLedgerCommand => ({
  type: 'ReserveRefundAmount',
  actor,
  now: NOW,
  data: { refundId, transaction: t, amount },
});
const release = (refundId: string): RefundLedgerCommand => ({
  type: 'ReleaseRefundAmount',
  actor,
  now: NOW,
  data: { refundId, because: 'rejected' },
});
const reserved = (refundId: string, amount: number, total: number): RefundLedgerEvent => ({
  type: 'RefundAmountReserved',
  data: {
    transactionId: 'tx-1',
    transactionAmount: 10_000,
    currency: 'CNY',
    refundId,
    amount,
    reservedTotal: total,
    at: NOW,
  },
});

describe('the refund cap', () => {
  it('reserves while the total stays within the amount', () => {
    given()
      .when(reserve('r1', 3000))
      .then([reserved('r1', 3000, 3000)]);
    given([reserved('r1', 3000, 3000), reserved('r2', 3000, 6000), reserved('r3', 3000, 9000)])
      .when(reserve('r4', 1000))
      .then([reserved('r4', 1000, 10_000)]);
  });
  it('refuses what would exceed it with refund_exceeds_transaction', () => {
    const s = [reserved('r1', 3000, 3000), reserved('r2', 3000, 6000), reserved('r3', 3000, 9000)].reduce(
      refundLedgerDecider.evolve,
      refundLedgerDecider.initialState(),
    );
    expect(() => refundLedgerDecider.decide(reserve('r4', 3000), s)).toThrow(
      expect.objectContaining({ code: 'refund_exceeds_transaction' }),
    );
  });
  it('a released amount can be reserved again', () => {
    const history = [
      reserved('r1', 6000, 6000),
      {
        type: 'RefundAmountReleased',
        data: { refundId: 'r1', amount: 6000, because: 'failed', reservedTotal: 0, at: NOW },
      },
    ] as RefundLedgerEvent[];
    given(history)
      .when(reserve('r2', 10_000))
      .then([reserved('r2', 10_000, 10_000)]);
  });
  it('release is idempotent; reserve of a known refund is a no-op', () => {
    given([reserved('r1', 3000, 3000)])
      .when(release('r1'))
      .thenState({ total: 0 });
    given().when(release('r1')).then([]);
    given([reserved('r1', 3000, 3000)])
      .when(reserve('r1', 3000))
      .then([]);
  });
  it('the transaction keeps the amount and currency it was first seen with', () => {
    given([reserved('r1', 3000, 3000)])
      .when(reserve('r2', 10, { ...tx, amount: 99_999 }))
      .thenThrows('validation_failed', 'transaction.amount');
    given([reserved('r1', 3000, 3000)])
      .when(reserve('r2', 10, { ...tx, currency: 'USD' }))
      .thenThrows('validation_failed', 'transaction.currency');
  });
});
