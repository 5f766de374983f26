import { Injectable } from '@nestjs/common';
import { Projection, StoredEvent, Tx } from '@kefu/platform';
import { TICKET_STREAM_TYPE } from '@kefu/tickets/domain/ticket.decider';
import { TicketEvent } from '@kefu/tickets/domain/ticket.events';
import { Tier } from '@kefu/tickets/domain/ticket.types';

/**
 * The queue statistics read model, an async projector over ticket events: queue_stats_tickets (per
 * ticket: tier, status, assignee, since when it waits, when it entered its tier and first got an
 * agent's reply there) and escalation_agent_activity (each agent's last assignment, routing's
 * longest-idle tie-break). The worker runs it through QueueStatsConsumer with its own checkpoint;
 * `projections rebuild` replays it. Rows carry the ticket stream version, so a replayed event
 * changes nothing.
 */
@Injectable()
export class QueueStatsProjection implements Projection {
  readonly name = 'queue-stats';
  readonly tables = ['queue_stats_tickets', 'escalation_agent_activity'] as const;

  async apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    await this.applyAll(tx, events);
  }

  /** Applies the batch; returns the tiers whose figures it may have changed. */
  async applyAll(tx: Tx, events: StoredEvent[]): Promise<Set<Tier>> {
    const touched = new Set<Tier>();
    for (const s of events) {
      if (s.streamType !== TICKET_STREAM_TYPE) continue;
      for (const tier of await this.applyOne(tx, s, { type: s.type, data: s.data } as TicketEvent))
        touched.add(tier);
    }
    return touched;
  }

  private async applyOne(tx: Tx, s: StoredEvent, e: TicketEvent): Promise<Tier[]> {
    const id = s.streamId;
    const v = s.streamPosition;
    switch (e.type) {
      case 'TicketOpened': {
        const n = await tx.execute(
          `INSERT INTO queue_stats_tickets (ticket_id, tier, status, tier_entered_at, waiting_since, version)
           VALUES ($1, $2, 'new', $3, $3, $4) ON CONFLICT (ticket_id) DO NOTHING`,
          [id, e.data.tier, e.data.at, v],
        );
        return n ? [e.data.tier] : [];
      }
      case 'TicketAssigned':
        await tx.execute(
          `INSERT INTO escalation_agent_activity (agent_id, last_assigned_at) VALUES ($1, $2)
           ON CONFLICT (agent_id) DO UPDATE SET last_assigned_at =
             GREATEST(escalation_agent_activity.last_assigned_at, EXCLUDED.last_assigned_at)`,
          [e.data.agentId, e.data.at],
        );
        return this.update(tx, id, v, `assignee_id = $3, waiting_since = NULL`, [e.data.agentId]);
      case 'TicketUnassigned':
        return this.update(tx, id, v, `assignee_id = NULL, waiting_since = $3`, [e.data.at]);
      case 'TicketStatusChanged':
        return this.update(tx, id, v, `status = $3`, [e.data.to]);
      case 'TicketEscalated': {
        const tiers = await this.update(
          tx,
          id,
          v,
          `tier = $3, tier_entered_at = $4, first_response_at = NULL,
           waiting_since = CASE WHEN assignee_id IS NULL THEN $4::timestamptz ELSE waiting_since END`,
          [e.data.toTier, e.data.at],
        );
        return tiers.length ? [e.data.fromTier, ...tiers] : [];
      }
      case 'PublicReplyAdded':
        if (e.data.author.kind !== 'agent') return [];
        return this.update(tx, id, v, `first_response_at = COALESCE(first_response_at, $3)`, [e.data.at]);
      default:
        // Other ticket events (tags, notes, priority, SLA) do not move the queues.
        return [];
    }
  }

  private async update(tx: Tx, id: string, v: number, set: string, params: unknown[]): Promise<Tier[]> {
    const rows = await tx.rows<{ tier: Tier }>(
      `UPDATE queue_stats_tickets SET ${set}, version = $2 WHERE ticket_id = $1 AND version < $2 RETURNING tier`,
      [id, v, ...params],
    );
    return rows.map((r) => r.tier);
  }
}
