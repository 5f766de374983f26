import { Injectable } from '@nestjs/common';
import { EventConsumer, Projection, StoredEvent, Tx } from '@kefu/platform';
import { TICKET_STREAM_TYPE, TicketEvent } from '@kefu/tickets';

/**
 * Measured waits for a first answer (async: an EventConsumer with its checkpoint, also a Projection
 * for `projections rebuild`). wait_tickets: per ticket, opened → first public agent reply (the
 * channel's wait). wait_stints: per stay at a tier, entered → first agent reply there (the tier's
 * wait); an escalation ends the stay unanswered and starts the next. Tickets agents open themselves
 * (a phone call typed in) are not waits anyone sat through: kept, but not counted. Every ticket
 * update is guarded by the stream version, and stints change only when it applied, so a replayed
 * batch changes nothing.
 */
@Injectable()
export class WaitTimesProjector implements EventConsumer, Projection {
  readonly name = 'wait-times';
  readonly tables = ['wait_tickets', 'wait_stints'] as const;
  readonly batchSize = 500;

  handle(events: StoredEvent[], tx: Tx): Promise<void> {
    return this.apply(tx, events);
  }

  async apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    for (const s of events) {
      if (s.streamType !== TICKET_STREAM_TYPE) continue;
      await this.applyOne(tx, s.streamId, s.streamPosition, { type: s.type, data: s.data } as TicketEvent);
    }
  }

  private async applyOne(tx: Tx, id: string, v: number, e: TicketEvent): Promise<void> {
    switch (e.type) {
      case 'TicketOpened': {
        const counted = e.data.openedBy.kind === 'customer' || e.data.openedBy.kind === 'partner';
        const inserted = await tx.execute(
          `INSERT INTO wait_tickets (ticket_id, channel, counted, opened_at, tier, stint, version)
           VALUES ($1, $2, $3, $4, $5, 0, $6) ON CONFLICT (ticket_id) DO NOTHING`,
          [id, e.data.channel, counted, e.data.at, e.data.tier, v],
        );
        if (inserted && counted)
          await tx.execute(
            `INSERT INTO wait_stints (ticket_id, stint, tier, started_at) VALUES ($1, 0, $2, $3)
             ON CONFLICT DO NOTHING`,
            [id, e.data.tier, e.data.at],
          );
        return;
      }
      case 'PublicReplyAdded': {
        if (e.data.author.kind !== 'agent') return;
        const t = await this.update(
          tx,
          id,
          v,
          `first_response_at = CASE WHEN ended_at IS NULL THEN coalesce(first_response_at, $3) ELSE first_response_at END`,
          [e.data.at],
        );
        if (t)
          await tx.execute(
            `UPDATE wait_stints SET responded_at = $3
              WHERE ticket_id = $1 AND stint = $2 AND responded_at IS NULL AND ended_at IS NULL`,
            [id, t.stint, e.data.at],
          );
        return;
      }
      case 'TicketEscalated': {
        const t = await this.update(tx, id, v, `tier = $3, stint = stint + 1`, [e.data.toTier]);
        if (!t) return;
        await this.endStint(tx, id, t.stint - 1, e.data.at);
        await tx.execute(
          `INSERT INTO wait_stints (ticket_id, stint, tier, started_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
          [id, t.stint, e.data.toTier, e.data.at],
        );
        return;
      }
      case 'TicketStatusChanged': {
        if (e.data.to !== 'solved' && e.data.to !== 'closed') return;
        const t = await this.update(
          tx,
          id,
          v,
          `ended_at = CASE WHEN first_response_at IS NULL THEN coalesce(ended_at, $3) ELSE ended_at END`,
          [e.data.at],
        );
        if (t) await this.endStint(tx, id, t.stint, e.data.at);
        return;
      }
      default:
        // Notes, tags, assignment, SLA clocks: not part of a customer's wait.
        return;
    }
  }

  private async update(tx: Tx, id: string, v: number, set: string, params: unknown[]) {
    return tx.one<{ stint: number }>(
      `UPDATE wait_tickets SET ${set}, version = $2 WHERE ticket_id = $1 AND version < $2 RETURNING stint`,
      [id, v, ...params],
    );
  }

  private async endStint(tx: Tx, id: string, stint: number, at: string): Promise<void> {
    await tx.execute(
      `UPDATE wait_stints SET ended_at = $3 WHERE ticket_id = $1 AND stint = $2 AND responded_at IS NULL AND ended_at IS NULL`,
      [id, stint, at],
    );
  }
}
