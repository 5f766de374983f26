// "At most one open dispute per transaction": the transaction's slot stream. Claiming it is appended
// with the dispute's first events in one transaction, with the slot's expected version, so two
// disputes opened at once cannot both claim it.
import { Command, Decider } from '@kefu/kernel';
import { DisputeRuleError } from './dispute.types';

export const DISPUTE_SLOT_STREAM_TYPE = 'dispute-slot';

export function disputeSlotStreamId(transactionId: string): string {
  return `dispute-slot:${transactionId}`;
}

export interface DisputeSlotState {
  openDisputeId?: string;
}

export type DisputeSlotCommand =
  | Command<'ClaimDisputeSlot', { disputeId: string; transactionId: string }>
  | Command<'ReleaseDisputeSlot', { disputeId: string; because: string }>;

export type DisputeSlotEvent =
  | { type: 'DisputeSlotClaimed'; data: { disputeId: string; transactionId: string; at: string } }
  | { type: 'DisputeSlotReleased'; data: { disputeId: string; because: string; at: string } };

export const disputeSlotDecider: Decider<DisputeSlotState, DisputeSlotCommand, DisputeSlotEvent> = {
  initialState: () => ({}),
  evolve: (_s, e) => (e.type === 'DisputeSlotClaimed' ? { openDisputeId: e.data.disputeId } : {}),
  decide: (c, s) => {
    if (c.type === 'ReleaseDisputeSlot') {
      if (s.openDisputeId !== c.data.disputeId) return [];
      return [
        {
          type: 'DisputeSlotReleased',
          data: { disputeId: c.data.disputeId, because: c.data.because, at: c.now },
        },
      ];
    }
    if (s.openDisputeId === c.data.disputeId) return [];
    if (s.openDisputeId) {
      throw new DisputeRuleError(
        'dispute_already_open',
        `Transaction ${c.data.transactionId} already has an open dispute (${s.openDisputeId}).`,
      );
    }
    return [{ type: 'DisputeSlotClaimed', data: { ...c.data, at: c.now } }];
  },
};
