import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PiiVault, Principal } from '@kefu/platform';
import { TicketLinkedQueries, ticketLinkedScope } from '@kefu/tickets';
import { DisputeStatus } from '../domain/dispute.types';
import { DisputeRow, DisputeView, toDisputeView } from './dispute-view';

export interface DisputeFilter {
  status?: DisputeStatus[];
  customerId?: string;
  transactionId?: string;
}

const COLUMNS = `r.id, r.ticket_id, r.status, r.customer, r."transaction", r.reason, r.claimed_amount,
  r.awarded_amount, r.merchant_response_due_at, r.customer_evidence_due_at, r.merchant_responded, r.evidence,
  r.outcome, r.rationale, r.decided_by, r.refund_id, r.created_at, r.updated_at, r.version`;

/**
 * Who sees a dispute (SQL on dispute_view r joined to its ticket t): customers their own, partners
 * the disputes of tickets their channel brought in, staff all.
 */
export function disputeScope(p: Principal, start: number): [string, unknown[]] {
  return ticketLinkedScope(p, start);
}

/** Disputes: get/visibleIn/byIdIn/byIds, byTickets (oldest first; Ticket.dispute shows the latest), list. */
@Injectable()
export class DisputeQueries extends TicketLinkedQueries<DisputeRow, DisputeView, DisputeFilter> {
  constructor(ds: DataSource, vault: PiiVault) {
    super(ds, vault, {
      table: 'dispute_view',
      columns: COLUMNS,
      entity: 'Dispute',
      cursorKind: 'dispute',
      toView: toDisputeView,
      scope: disputeScope,
      filters: [
        { key: 'status', column: 'r.status' },
        { key: 'customerId', column: 'r.customer_id' },
        { key: 'transactionId', column: 'r.transaction_id' },
      ],
    });
  }
}
