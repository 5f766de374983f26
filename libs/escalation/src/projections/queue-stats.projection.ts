import { Injectable } from '@nestjs/common';
import { Projection, StoredEvent, Tx } from '@kefu/platform';
import { TICKET_STREAM_TYPE, TicketEvent } from '@kefu/tickets/domain';
import { Tier } from '@kefu/kernel';

/** One queue_stats_tickets row (timestamps as ISO strings). */
interface QueueRow {
  ticket_id: string;
  tier: Tier;
  status: string;
  assignee_id: string | null;
  tier_entered_at: string;
  waiting_since: string | null;
  first_response_at: string | null;
  version: number;
}

const ROW_COLUMNS = `ticket_id text, tier text, status text, assignee_id text, tier_entered_at timestamptz,
  waiting_since timestamptz, first_response_at timestamptz, version int`;

const UPSERT_ROWS = `INSERT INTO queue_stats_tickets AS q
    (ticket_id, tier, status, assignee_id, tier_entered_at, waiting_since, first_response_at, version)
  SELECT ticket_id, tier, status, assignee_id, tier_entered_at, waiting_since, first_response_at, version
    FROM jsonb_to_recordset($1::jsonb) AS r(${ROW_COLUMNS})
  ON CONFLICT (ticket_id) DO UPDATE SET tier = EXCLUDED.tier, status = EXCLUDED.status,
    assignee_id = EXCLUDED.assignee_id, tier_entered_at = EXCLUDED.tier_entered_at,
    waiting_since = EXCLUDED.waiting_since, first_response_at = EXCLUDED.first_response_at,
    version = EXCLUDED.version
  WHERE q.version < EXCLUDED.version`;

const UPSERT_ACTIVITY = `INSERT INTO escalation_agent_activity (agent_id, last_assigned_at)
  SELECT agent_id, last_assigned_at FROM jsonb_to_recordset($1::jsonb) AS r(agent_id text, last_assigned_at timestamptz)
  ON CONFLICT (agent_id) DO UPDATE SET last_assigned_at =
    GREATEST(escalation_agent_activity.last_assigned_at, EXCLUDED.last_assigned_at)`;

const iso = (d: Date | string | null): string | null =>
  d === null ? null : typeof d === 'string' ? d : d.toISOString();

/**
 * The queue statistics read model, an async projector over ticket events: queue_stats_tickets (per
 * ticket: tier, status, assignee, since when it waits, when it entered its tier and first got an
 * agent's reply there) and escalation_agent_activity (each agent's last assignment, routing's
 * longest-idle tie-break). The worker runs it through QueueStatsConsumer with its own checkpoint;
 * `projections rebuild` replays it. A batch is folded per ticket in memory (evolveQueueRow) and
 * written with at most three statements: read the rows it continues, one multi-row upsert of the
 * rows, one of the agents' last assignments. Rows carry the ticket stream version, so a replayed
 * event changes nothing.
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
    const streams = new Map<string, StoredEvent[]>();
    const lastAssigned = new Map<string, string>();
    for (const s of events) {
      if (s.streamType !== TICKET_STREAM_TYPE || !HANDLED.has(s.type)) continue;
      const list = streams.get(s.streamId);
      if (list) list.push(s);
      else streams.set(s.streamId, [s]);
      if (s.type === 'TicketAssigned') {
        const d = s.data as { agentId: string; at: string };
        const prev = lastAssigned.get(d.agentId);
        if (!prev || Date.parse(d.at) > Date.parse(prev)) lastAssigned.set(d.agentId, d.at);
      }
    }
    if (streams.size === 0) return touched;
    const continued = [...streams].filter(([, list]) => list[0].streamPosition !== 1).map(([id]) => id);
    const current = new Map<string, QueueRow>();
    if (continued.length) {
      const rows = await tx.rows<QueueRow>(
        `SELECT ticket_id, tier, status, assignee_id, tier_entered_at, waiting_since, first_response_at, version
           FROM queue_stats_tickets WHERE ticket_id = ANY($1::text[]) ORDER BY ticket_id FOR UPDATE`,
        [continued],
      );
      for (const r of rows)
        current.set(r.ticket_id, {
          ...r,
          tier_entered_at: iso(r.tier_entered_at)!,
          waiting_since: iso(r.waiting_since),
          first_response_at: iso(r.first_response_at),
        });
    }
    const out: QueueRow[] = [];
    for (const [id, list] of streams) {
      const before = current.get(id);
      let row = before;
      for (const s of list) {
        const next = evolveQueueRow(row, id, s.streamPosition, { type: s.type, data: s.data } as TicketEvent);
        if (next === row) continue;
        // The tiers an applied event moves: the ticket's tier before and after it.
        if (row) touched.add(row.tier);
        if (next) touched.add(next.tier);
        row = next;
      }
      if (row && row !== before) out.push(row);
    }
    if (out.length) await tx.execute(UPSERT_ROWS, [JSON.stringify(out)]);
    if (lastAssigned.size)
      await tx.execute(UPSERT_ACTIVITY, [
        JSON.stringify(
          [...lastAssigned].map(([agent_id, last_assigned_at]) => ({ agent_id, last_assigned_at })),
        ),
      ]);
    return touched;
  }
}

const HANDLED: ReadonlySet<string> = new Set<TicketEvent['type']>([
  'TicketOpened',
  'TicketAssigned',
  'TicketUnassigned',
  'TicketStatusChanged',
  'TicketEscalated',
  'PublicReplyAdded',
]);

/**
 * One ticket event on its queue row (pure): the row unchanged for an event at or below its version
 * and for events that do not move the queues (tags, notes, priority, SLA, a customer's reply).
 */
export function evolveQueueRow(
  row: QueueRow | undefined,
  id: string,
  v: number,
  e: TicketEvent,
): QueueRow | undefined {
  if (row && v <= row.version) return row;
  if (e.type === 'TicketOpened') {
    if (row) return row;
    const at = e.data.at;
    return {
      ticket_id: id,
      tier: e.data.tier,
      status: 'new',
      assignee_id: null,
      tier_entered_at: at,
      waiting_since: at,
      first_response_at: null,
      version: v,
    };
  }
  if (!row) return row;
  switch (e.type) {
    case 'TicketAssigned':
      return { ...row, assignee_id: e.data.agentId, waiting_since: null, version: v };
    case 'TicketUnassigned':
      return { ...row, assignee_id: null, waiting_since: e.data.at, version: v };
    case 'TicketStatusChanged':
      return { ...row, status: e.data.to, version: v };
    case 'TicketEscalated':
      return {
        ...row,
        tier: e.data.toTier,
        tier_entered_at: e.data.at,
        first_response_at: null,
        waiting_since: row.assignee_id === null ? e.data.at : row.waiting_since,
        version: v,
      };
    case 'PublicReplyAdded':
      if (e.data.author.kind !== 'agent') return row;
      return { ...row, first_response_at: row.first_response_at ?? e.data.at, version: v };
    default:
      // Other ticket events (tags, notes, priority, SLA) do not move the queues.
      return row;
  }
}
