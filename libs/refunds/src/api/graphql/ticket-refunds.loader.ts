import { Injectable } from '@nestjs/common';
import { TicketLinkedLoader } from '@kefu/tickets';
import { RefundQueries } from '../../application/refund-queries';
import { RefundView } from '../../application/refund-view';

/** Per-request loader of Ticket.refunds (oldest first). */
@Injectable()
export class TicketRefundsLoader extends TicketLinkedLoader<RefundView> {
  constructor(queries: RefundQueries) {
    super(queries);
  }
}
