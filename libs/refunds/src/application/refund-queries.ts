import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PiiVault, Principal, hasScope } from '@kefu/platform';
import { TicketLinkedQueries, ticketLinkedScope } from '@kefu/tickets';
import { RefundStatus } from '../domain/refund.types';
import { RefundRow, RefundView, toRefundView } from './refund-view';

export interface RefundFilter {
  status?: RefundStatus[];
  customerId?: string;
  transactionId?: string;
}

const COLUMNS = `r.id, r.ticket_id, r.dispute_id, r.status, r.customer, r."transaction", r.amount, r.currency, r.reason,
  r.requires_senior_approval, r.requested_by, r.approved_by, r.expected_by, r.payout_reference, r.failure_reason,
  r.overdue, r.follow_up_ticket_id, r.created_at, r.updated_at, r.version`;

/**
 * Who sees a refund (SQL on refund_view r joined to its ticket t): customers their own, partners the
 * refunds of tickets their channel brought in, the payments core (scope payments_core) every refund,
 * staff all.
 */
export function refundScope(p: Principal, start: number): [string, unknown[]] {
  return ticketLinkedScope(p, start, (partner) => hasScope(partner, 'payments_core'));
}

/** Refunds: get/visibleIn/byIdIn/byIds, byTickets (oldest first; Ticket.refunds), list. */
@Injectable()
export class RefundQueries extends TicketLinkedQueries<RefundRow, RefundView, RefundFilter> {
  constructor(ds: DataSource, vault: PiiVault) {
    super(ds, vault, {
      table: 'refund_view',
      columns: COLUMNS,
      entity: 'Refund',
      cursorKind: 'refund',
      toView: toRefundView,
      scope: refundScope,
      filters: [
        { key: 'status', column: 'r.status' },
        { key: 'customerId', column: 'r.customer_id' },
        { key: 'transactionId', column: 'r.transaction_id' },
      ],
    });
  }
}
