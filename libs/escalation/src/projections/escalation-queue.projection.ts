import { Injectable } from '@nestjs/common';
import { Projection, StoredEvent, Tx } from '@kefu/platform';
import { ESCALATION_STREAM_TYPE } from '../domain/escalation.decider';
import { EscalationEvent } from '../domain/escalation.events';

/**
 * escalation_queue: the tickets waiting in each tier's queue, one row per ticket, from the
 * escalation streams only. Applied inline by the router (the queue it drains is always current)
 * and replayed by `projections rebuild`. Rows are keyed by ticket and carry the escalation id, so
 * applying an event twice changes nothing.
 */
@Injectable()
export class EscalationQueueProjection implements Projection {
  readonly name = 'escalation-queue';
  readonly tables = ['escalation_queue'] as const;

  async apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    for (const stored of events) {
      if (stored.streamType !== ESCALATION_STREAM_TYPE) continue;
      const e = { type: stored.type, data: stored.data } as EscalationEvent;
      switch (e.type) {
        case 'EscalationQueued':
          await tx.execute(
            `INSERT INTO escalation_queue (ticket_id, escalation_id, tier, trigger, queued_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (ticket_id) DO UPDATE SET escalation_id = $2, tier = $3, trigger = $4, queued_at = $5`,
            [e.data.ticketId, e.data.escalationId, e.data.toTier, e.data.trigger, e.data.at],
          );
          break;
        case 'EscalationRouted':
        case 'EscalationDequeued':
          await tx.execute(`DELETE FROM escalation_queue WHERE ticket_id = $1 AND escalation_id = $2`, [
            e.data.ticketId,
            e.data.escalationId,
          ]);
          break;
        default:
          ignore(e);
      }
    }
  }
}

function ignore(_e: never): void {
  // Newer event types: nothing to queue.
}
