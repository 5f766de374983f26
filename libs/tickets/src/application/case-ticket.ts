import { Caller, DomainError, Tx, actorFromPrincipal } from '@kefu/platform';
import { canSeeTicket } from '../domain/ticket.permissions';
import { TicketQueries } from './ticket-queries';
import { TicketView } from './ticket-view';

// What the modules that open a case on a ticket (disputes, refunds) share about that ticket.

/** A ticket the caller may see (read in the caller's transaction), else not_found. */
export async function visibleTicketIn(
  tx: Tx,
  tickets: TicketQueries,
  caller: Caller,
  ticketId: string,
): Promise<TicketView> {
  const t = await tickets.byIdIn(tx, ticketId);
  if (!t || !canSeeTicket(actorFromPrincipal(caller), { customerId: t.customer.id, openedBy: t.openedBy }))
    throw DomainError.notFound('Ticket', ticketId);
  return t;
}

/** A case linked to a ticket is the ticket customer's: another account is a client mistake. */
export function customerOfTicket(
  ticket: TicketView,
  given: { id: string } | undefined | null,
): TicketView['customer'] {
  if (given && given.id !== ticket.customer.id)
    throw DomainError.validation([
      { field: 'customer.id', message: `must be the ticket's customer (${ticket.customer.id})` },
    ]);
  return given ? { ...ticket.customer, ...given } : ticket.customer;
}
