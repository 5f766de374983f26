import { Injectable } from '@nestjs/common';
import { Tx } from '@kefu/platform';
import { EscalationTrigger } from '../domain/ticket.types';
import { Tier } from '@kefu/kernel';

/** The tier a ticket escalates to for a trigger (undefined: already at the top), read in `tx`. */
export type EscalationTierSource = (
  tx: Tx,
  ticketId: string,
  trigger: EscalationTrigger,
) => Promise<Tier | undefined>;

/**
 * Where an EscalateTicket that names no tier (an agent's `escalateTicket`, any module's escalation)
 * gets its target: the escalation module (which depends on tickets, not the reverse) plugs its ladder
 * in at start-up, so every trigger follows the same ladder. Without it: one tier up.
 */
@Injectable()
export class TicketEscalationLadder {
  private source?: EscalationTierSource;

  use(source: EscalationTierSource): void {
    this.source = source;
  }

  tierIn(tx: Tx, ticketId: string, trigger: EscalationTrigger): Promise<Tier | undefined> {
    return this.source ? this.source(tx, ticketId, trigger) : Promise.resolve(undefined);
  }
}
