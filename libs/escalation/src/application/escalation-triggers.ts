import { Injectable, Logger } from '@nestjs/common';
import { SYSTEM, Tier } from '@kefu/kernel';
import { CommandRunner, Tx, isDomainError } from '@kefu/platform';
import { TicketsService } from '@kefu/tickets';
import { EscalationTrigger } from '@kefu/tickets/domain';
import { targetTier } from '../domain/ladder';
import { EscalationSettings } from './escalation-settings';
import { routableTicket } from './routing-reads';

/** A trigger that fired (SLA breach, customer request, reopenings): escalate per the ladder. */
export interface EscalationTriggerData {
  ticketId: string;
  trigger: EscalationTrigger;
  reason: string;
  /** An SLA breach: which target, and the breach event (absent on jobs queued before it was added). */
  breach?: { target: string; eventId: string };
}

/**
 * A ticket escalates once per kind of breach, not once per breached target: the response targets
 * (first and next response) are one kind, resolution the other. Unknown targets are kinds of their own.
 */
export function breachKind(target: string): string {
  return target === 'first_response' || target === 'next_response' ? 'response' : target;
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
    const { result } = await this.commands.transaction<TriggerOutcome>(
      {
        inbox: {
          handler: 'escalation.trigger',
          ...inbox,
          redelivered: () => Promise.resolve('already_handled'),
        },
      },
      (tx) => this.escalateIn(tx, data),
    );
    this.logger.log({ ticketId: data.ticketId, trigger: data.trigger, outcome: result }, 'trigger handled');
    return result;
  }

  /** The ladder's tier for this ticket and trigger, by category, priority and customer segment. */
  async tierFor(tx: Tx, ticketId: string, trigger: EscalationTrigger): Promise<Tier | undefined> {
    const ticket = await routableTicket(tx, ticketId);
    return ticket ? targetTier(this.settings.ladder, { ...ticket, trigger }) : undefined;
  }

  private async escalateIn(tx: Tx, data: EscalationTriggerData): Promise<TriggerOutcome> {
    const ticket = await routableTicket(tx, data.ticketId);
    if (!ticket || ticket.status === 'closed') return 'nothing_to_do';
    if (data.trigger === 'customer_request' && !ticket.escalationRequested) return 'nothing_to_do';
    if (data.breach && !(await this.firstBreachOfItsKind(tx, data.ticketId, data.breach)))
      return 'nothing_to_do';
    const toTier = targetTier(this.settings.ladder, { ...ticket, trigger: data.trigger });
    if (!toTier) return 'nothing_to_do';
    try {
      await this.tickets.executeIn(tx, SYSTEM, data.ticketId, 'EscalateTicket', {
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

  /**
   * Whether this breach is the ticket's first of its kind: only that one escalates. Decided from the
   * ticket's stream, so a redelivered job, two targets breaching in one timer run and a later breach of
   * a recalculated or resumed target all agree.
   */
  private async firstBreachOfItsKind(
    tx: Tx,
    ticketId: string,
    breach: NonNullable<EscalationTriggerData['breach']>,
  ): Promise<boolean> {
    const kind = breachKind(breach.target);
    const events = await this.commands.store.readStream(tx, ticketId);
    const first = events.find(
      (e) => e.type === SLA_BREACHED && breachKind(String((e.data as { target?: unknown }).target)) === kind,
    );
    return first?.eventId === breach.eventId;
  }
}

/** The SLA breach on the ticket stream, by its type string (as escalation.routes.ts reads it). */
const SLA_BREACHED = 'SlaTargetBreached';
