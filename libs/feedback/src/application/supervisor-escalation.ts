import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Tx } from '@kefu/platform';
import { TicketQueries, TicketsService } from '@kefu/tickets';
import { SYSTEM } from '@kefu/kernel';

export type SupervisorTrigger = 'low_survey_score' | 'complaint';

/**
 * Hands a ticket to a supervisor (L3) inside the caller's transaction; the routing module reacts
 * to its TicketEscalated. A closed ticket cannot change any more, so a follow-up ticket for the same
 * customer is opened and escalated instead; a ticket already at L3 gets an internal note for them.
 * Returns the ticket that now sits with the supervisors.
 */
@Injectable()
export class SupervisorEscalation {
  constructor(
    private readonly tickets: TicketsService,
    private readonly queries: TicketQueries,
  ) {}

  async escalate(tx: Tx, ticketId: string, trigger: SupervisorTrigger, reason: string): Promise<string> {
    const ticket = await this.queries.byIdIn(tx, ticketId);
    if (!ticket) throw new Error(`ticket ${ticketId} vanished`);
    let target = ticket;
    if (ticket.status === 'closed') {
      target = await this.tickets.openIn(tx, SYSTEM, {
        subject: `Follow-up to ${ticket.number}: ${trigger === 'complaint' ? 'complaint' : 'low satisfaction score'}`,
        description: reason,
        category: trigger === 'complaint' ? 'complaint' : ticket.category,
        channel: ticket.channel,
        language: ticket.language,
        customer: { id: ticket.customer.id },
        tags: ['follow-up', trigger],
      });
    }
    if (target.tier !== 'L3')
      await this.tickets.executeIn(tx, SYSTEM, target.id, 'EscalateTicket', {
        toTier: 'L3',
        trigger,
        reason,
      });
    // Already with the supervisors: escalation cannot go higher, so they get a note instead.
    else
      await this.tickets.executeIn(tx, SYSTEM, target.id, 'AddInternalNote', {
        messageId: randomUUID(),
        body: `Follow-up for a supervisor (${trigger}): ${reason}`,
      });
    return target.id;
  }
}
