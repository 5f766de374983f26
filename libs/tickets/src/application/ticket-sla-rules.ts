import { Injectable } from '@nestjs/common';
import { Tx } from '@kefu/platform';
import { SlaRules } from '../domain/ticket.sla.types';

export type SlaRulesSource = (tx: Tx) => Promise<SlaRules>;

/**
 * Where ticket commands get their SLA rules. The SLA module (which depends on tickets, not the
 * reverse) plugs its source in at start-up; without it no SLA clock runs.
 */
@Injectable()
export class TicketSlaRules {
  private source?: SlaRulesSource;

  use(source: SlaRulesSource): void {
    this.source = source;
  }

  rulesIn(tx: Tx): Promise<SlaRules | undefined> {
    return this.source ? this.source(tx) : Promise.resolve(undefined);
  }
}
