import { Injectable, Logger } from '@nestjs/common';
import { CommandRunner, Tx, isDomainError, processOnce } from '@kefu/platform';
import { TicketsService } from '@kefu/tickets';
import { EscalationTrigger } from '@kefu/tickets/domain/ticket.types';
import { targetTier } from '../domain/ladder';
import { EscalationSettings } from './escalation-settings';
import { routableTicket } from './routing-reads';

/** A trigger that fired (SLA breach, customer request, reopenings): escalate per the ladder. */
export interface EscalationTriggerData {
  ticketId: string;
  trigger: EscalationTrigger;
  reason: string;
}

export type TriggerOutcome = 'escalated' | 'nothing_to_do' | 'already_handled';

/**
 * Turns a trigger into a TicketEscalated through TicketsService, in one transaction with the job's
 * inbox row. Stale triggers (ticket closed, already at the top, a customer request someone else
 * already answered by escalating) do nothing.
 */
@Injectable()
export class EscalationTriggers {
  private readonly logger = new Logger(EscalationTriggers.name);

  constructor(
    private readonly commands: CommandRunner,
    private readonly tickets: TicketsService,
    private readonly settings: EscalationSettings,
  ) {}

  async escalate(data: EscalationTriggerData, inbox: { messageId: string }): Promise<TriggerOutcome> {
    const { result } = await this.commands.transaction({ retries: 5 }, async (tx) => {
      let outcome: TriggerOutcome = 'already_handled';
      await processOnce(tx, 'escalation.trigger', inbox.messageId, async () => {
        outcome = await this.escalateIn(tx, data);
      });
      return outcome;
    });
    this.logger.log({ ticketId: data.ticketId, trigger: data.trigger, outcome: result }, 'trigger handled');
    return result;
  }

  private async escalateIn(tx: Tx, data: EscalationTriggerData): Promise<TriggerOutcome> {
    const ticket = await routableTicket(tx, data.ticketId);
    if (!ticket || ticket.status === 'closed') return 'nothing_to_do';
    if (data.trigger === 'customer_request' && !ticket.escalationRequested) return 'nothing_to_do';
    const toTier = targetTier(this.settings.ladder, { ...ticket, trigger: data.trigger });
    if (!toTier) return 'nothing_to_do';
    try {
      await this.tickets.executeIn(tx, 'system', data.ticketId, 'EscalateTicket', {
        trigger: data.trigger,
        toTier,
        reason: data.reason,
      });
    } catch (e) {
      // The decider re-checks (closed meanwhile, already higher): a refusal is nothing to do here.
      if (isDomainError(e) && e.code === 'invalid_transition') return 'nothing_to_do';
      throw e;
    }
    return 'escalated';
  }
}
