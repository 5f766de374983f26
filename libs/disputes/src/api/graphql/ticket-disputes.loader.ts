import { Injectable } from '@nestjs/common';
import { TicketLinkedLoader } from '@kefu/tickets';
import { DisputeQueries } from '../../application/dispute-queries';
import { DisputeView } from '../../application/dispute-view';

/** Per-request loader of Ticket.dispute (the latest of the ticket's disputes is shown). */
@Injectable()
export class TicketDisputesLoader extends TicketLinkedLoader<DisputeView> {
  constructor(queries: DisputeQueries) {
    super(queries);
  }
}
