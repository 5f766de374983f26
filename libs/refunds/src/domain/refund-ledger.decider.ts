// The cap (DOMAIN.md "money invariant"): one stream per transaction holds every amount reserved by its
// refunds. A refund's first event and its reservation are appended in one transaction, with the
// ledger's expected version, so concurrent requests cannot both see the same headroom.
import { Command, Decider, DomainRuleError } from '@kefu/kernel';
import { RefundRuleError } from './refund.types';

export const REFUND_LEDGER_STREAM_TYPE = 'refund-ledger';

/** Transaction ids are the payments core's; the stream id only namespaces them. */
export function refundLedgerStreamId(transactionId: string): string {
  return `refund-ledger:${transactionId}`;
}

export interface RefundLedgerState {
  exists: boolean;
  transactionAmount: number;
  currency: string;
  /** refund id → amount still counting against the transaction. */
  reserved: Record<string, number>;
  total: number;
}

export interface ReserveRefundAmountData {
  refundId: string;
  transaction: { id: string; amount: number; currency: string };
  amount: number;
}

export interface ReleaseRefundAmountData {
  refundId: string;
  /** The refund's final status that releases it: rejected, canceled or failed. */
  because: string;
}

export type ReserveRefundAmount = Command<'ReserveRefundAmount', ReserveRefundAmountData>;
export type ReleaseRefundAmount = Command<'ReleaseRefundAmount', ReleaseRefundAmountData>;
export type RefundLedgerCommand = ReserveRefundAmount | ReleaseRefundAmount;

export interface RefundAmountReservedData {
  transactionId: string;
  transactionAmount: number;
  currency: string;
  refundId: string;
  amount: number;
  /** Sum of the amounts reserved after this event. */
  reservedTotal: number;
  at: string;
}

export interface RefundAmountReleasedData {
  refundId: string;
  amount: number;
  because: string;
  reservedTotal: number;
  at: string;
}

export type RefundLedgerEvent =
  | { type: 'RefundAmountReserved'; data: RefundAmountReservedData }
  | { type: 'RefundAmountReleased'; data: RefundAmountReleasedData };

const initialState = (): RefundLedgerState => ({
  exists: false,
  transactionAmount: 0,
  currency: '',
  reserved: {},
  total: 0,
});

function evolve(s: RefundLedgerState, e: RefundLedgerEvent): RefundLedgerState {
  switch (e.type) {
    case 'RefundAmountReserved':
      return {
        exists: true,
        transactionAmount: s.exists ? s.transactionAmount : e.data.transactionAmount,
        currency: s.exists ? s.currency : e.data.currency,
        reserved: { ...s.reserved, [e.data.refundId]: e.data.amount },
        total: s.total + e.data.amount,
      };
    case 'RefundAmountReleased': {
      const reserved = { ...s.reserved };
      delete reserved[e.data.refundId];
      return { ...s, reserved, total: s.total - e.data.amount };
    }
  }
}

function decide(c: RefundLedgerCommand, s: RefundLedgerState): RefundLedgerEvent[] {
  if (c.type === 'ReleaseRefundAmount') {
    const amount = s.reserved[c.data.refundId];
    if (amount === undefined) return [];
    return [
      {
        type: 'RefundAmountReleased',
        data: {
          refundId: c.data.refundId,
          amount,
          because: c.data.because,
          reservedTotal: s.total - amount,
          at: c.now,
        },
      },
    ];
  }
  const { refundId, transaction, amount } = c.data;
  if (s.reserved[refundId] !== undefined) return [];
  if (s.exists && s.currency !== transaction.currency) {
    throw DomainRuleError.validation([
      { field: 'transaction.currency', message: `transaction ${transaction.id} is in ${s.currency}` },
    ]);
  }
  if (s.exists && s.transactionAmount !== transaction.amount) {
    throw DomainRuleError.validation([
      {
        field: 'transaction.amount',
        message: `transaction ${transaction.id} was recorded with amount ${s.transactionAmount}`,
      },
    ]);
  }
  const limit = s.exists ? s.transactionAmount : transaction.amount;
  if (s.total + amount > limit) {
    throw new RefundRuleError(
      'refund_exceeds_transaction',
      `Refunds of transaction ${transaction.id} would total ${s.total + amount}, above its amount ` +
        `${limit}; at most ${Math.max(0, limit - s.total)} remains refundable.`,
    );
  }
  return [
    {
      type: 'RefundAmountReserved',
      data: {
        transactionId: transaction.id,
        transactionAmount: limit,
        currency: transaction.currency,
        refundId,
        amount,
        reservedTotal: s.total + amount,
        at: c.now,
      },
    },
  ];
}

export const refundLedgerDecider: Decider<RefundLedgerState, RefundLedgerCommand, RefundLedgerEvent> = {
  initialState,
  evolve,
  decide,
};
