import { Injectable } from '@nestjs/common';
import { Projection, StoredEvent, Tx, updateIfNewer } from '@kefu/platform';
import { TICKET_STREAM_TYPE } from '../domain/ticket.decider';
import { MessageData, TicketEvent, TicketOpenedData } from '../domain/ticket.events';
import { Priority } from '../domain/ticket.types';
import { NO_SLA, applySlaEvent, nextSlaDueAt } from '../application/sla-view';
import { TicketSlaView } from '../application/ticket-view';

export const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };

/**
 * ticket_view and ticket_messages, from ticket events only. Applied inline by the command pipeline
 * (read-your-writes) and replayed by `projections rebuild`. Every write is guarded by the stream
 * version, so applying an event twice changes nothing.
 */
@Injectable()
export class TicketViewProjection implements Projection {
  readonly name = 'ticket-view';
  readonly tables = ['ticket_view', 'ticket_messages'] as const;

  async apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    for (const stored of events) {
      if (stored.streamType !== TICKET_STREAM_TYPE) continue;
      await this.applyOne(tx, stored, { type: stored.type, data: stored.data } as TicketEvent);
    }
  }

  private async applyOne(tx: Tx, s: StoredEvent, e: TicketEvent): Promise<void> {
    const id = s.streamId;
    const v = s.streamPosition;
    switch (e.type) {
      case 'TicketOpened':
        return this.opened(tx, id, v, e.data);
      case 'PublicReplyAdded':
      case 'InternalNoteAdded':
        return this.message(tx, id, v, e.data);
      case 'TicketAssigned':
        return this.update(tx, id, v, e.data.at, `assignee_id = $4`, [e.data.agentId]);
      case 'TicketUnassigned':
        return this.update(tx, id, v, e.data.at, `assignee_id = NULL`, []);
      case 'TicketStatusChanged':
        return this.update(
          tx,
          id,
          v,
          e.data.at,
          `status = $4,
           solved_at = CASE WHEN $4 = 'solved' THEN $3::timestamptz WHEN $4 = 'closed' THEN solved_at ELSE NULL END,
           closed_at = CASE WHEN $4 = 'closed' THEN $3::timestamptz ELSE NULL END`,
          [e.data.to],
        );
      case 'TicketReopened':
        return this.update(tx, id, v, e.data.at, `reopen_count = $4`, [e.data.count]);
      case 'TicketTagged':
        // Same rule as evolve: kept tags in order, then newly added ones.
        return this.update(
          tx,
          id,
          v,
          e.data.at,
          `tags = ARRAY(SELECT t FROM unnest(tags) WITH ORDINALITY AS x(t, o) WHERE t <> ALL($5::text[]) ORDER BY o)
                  || ARRAY(SELECT a FROM unnest($4::text[]) WITH ORDINALITY AS y(a, o)
                           WHERE a <> ALL(ARRAY(SELECT t FROM unnest(tags) t WHERE t <> ALL($5::text[]))) ORDER BY o)`,
          [e.data.added, e.data.removed],
        );
      case 'TicketPriorityChanged':
        return this.update(tx, id, v, e.data.at, `priority = $4, priority_rank = $5`, [
          e.data.to,
          PRIORITY_RANK[e.data.to],
        ]);
      case 'TicketEscalationRequested':
        return this.update(tx, id, v, e.data.at, `escalation_requested = true`, []);
      case 'TicketEscalated':
        return this.update(
          tx,
          id,
          v,
          e.data.at,
          `tier = $4, escalation_level = $5, escalation_requested = false`,
          [e.data.toTier, e.data.level],
        );
      case 'TicketClosed':
        return this.update(tx, id, v, e.data.at, `closed_at = $3::timestamptz`, []);
      case 'SlaPolicyApplied':
      case 'SlaTargetStarted':
      case 'SlaTargetPaused':
      case 'SlaTargetResumed':
      case 'SlaTargetMet':
      case 'SlaTargetBreached':
      case 'SlaTargetWarned':
      case 'SlaTargetCancelled':
      case 'SlaTargetRecalculated': {
        // The clocks are one jsonb document: read it, fold the event, write it back (version-guarded).
        const row = await tx.one<{ sla: TicketSlaView | null; version: number }>(
          `SELECT sla, version FROM ticket_view WHERE id = $1 FOR UPDATE`,
          [id],
        );
        if (!row || row.version >= v) return;
        const sla = applySlaEvent(row.sla ?? NO_SLA, e);
        return this.update(
          tx,
          id,
          v,
          e.data.at,
          `sla = $4::jsonb, next_sla_due_at = $5::timestamptz, sla_breached = sla_breached OR $6`,
          [JSON.stringify(sla), nextSlaDueAt(sla) ?? 'infinity', e.type === 'SlaTargetBreached'],
        );
      }
      default:
        return ignore(e);
    }
  }

  private async opened(tx: Tx, id: string, v: number, d: TicketOpenedData): Promise<void> {
    await tx.execute(
      `INSERT INTO ticket_view (id, number, subject, description, category, priority, priority_rank, status,
         channel, language, customer_id, customer, "transaction", tags, tier, escalation_level,
         opened_by_kind, opened_by_id, external_ref, created_at, updated_at, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'new', $8, $9, $10, $11, $12, $13, $14, 0, $15, $16, $17, $18, $18, $19)
       ON CONFLICT (id) DO NOTHING`,
      [
        id,
        d.number,
        d.subject,
        d.description,
        d.category,
        d.priority,
        PRIORITY_RANK[d.priority],
        d.channel,
        d.language,
        d.customer.id,
        JSON.stringify(d.customer),
        d.transaction ? JSON.stringify(d.transaction) : null,
        d.tags,
        d.tier,
        d.openedBy.kind,
        d.openedBy.id ?? null,
        d.externalRef ?? null,
        d.at,
        v,
      ],
    );
  }

  private async message(tx: Tx, id: string, v: number, d: MessageData<'public' | 'internal'>): Promise<void> {
    await tx.execute(
      `INSERT INTO ticket_messages (id, ticket_id, seq, visibility, author_kind, author_id, author_name, body,
         attachments, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
      [
        d.messageId,
        id,
        v,
        d.visibility,
        d.author.kind,
        d.author.id ?? null,
        d.author.name ?? null,
        d.body,
        JSON.stringify(d.attachments),
        d.at,
      ],
    );
    await this.update(
      tx,
      id,
      v,
      d.at,
      `message_count = message_count + 1,
       public_message_count = public_message_count + CASE WHEN $4 = 'public' THEN 1 ELSE 0 END,
       first_agent_reply_at = CASE WHEN $4 = 'public' AND $5 = 'agent' AND first_agent_reply_at IS NULL
                                   THEN $3::timestamptz ELSE first_agent_reply_at END`,
      [d.visibility, d.author.kind],
    );
  }

  private update(tx: Tx, id: string, v: number, at: string, set: string, params: unknown[]): Promise<void> {
    return updateIfNewer(tx, 'ticket_view', id, v, at, set, params);
  }
}

function ignore(_e: never): void {
  // Newer event types this projection does not know yet: nothing to show.
}
