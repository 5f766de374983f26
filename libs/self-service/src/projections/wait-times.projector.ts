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

  /**
   * Folds the batch per ticket in memory (evolveWait) and writes it with at most three statements:
   * read the rows (and current stints) of its tickets, one multi-row upsert of the
   * tickets, one of the stints.
   */
  async apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    const streams = new Map<string, StoredEvent[]>();
    for (const s of events) {
      if (s.streamType !== TICKET_STREAM_TYPE || !HANDLED.has(s.type)) continue;
      const list = streams.get(s.streamId);
      if (list) list.push(s);
      else streams.set(s.streamId, [s]);
    }
    if (streams.size === 0) return;
    // Every ticket's row is read, also for a batch that starts at its first event: stints have no
    // version of their own, so only the ticket row's version may decide what is replayed.
    const current = await this.load(tx, [...streams.keys()]);
    const tickets: WaitTicket[] = [];
    const stints: WaitStint[] = [];
    for (const [id, list] of streams) {
      const before = current.get(id);
      let state = before;
      for (const s of list)
        state = evolveWait(state, id, s.streamPosition, { type: s.type, data: s.data } as TicketEvent);
      if (!state || state === before) continue;
      if (state.ticket !== before?.ticket) tickets.push(state.ticket);
      for (const [n, st] of state.stints) if (before?.stints.get(n) !== st) stints.push(st);
    }
    if (tickets.length) await tx.execute(UPSERT_TICKETS, [JSON.stringify(tickets)]);
    if (stints.length) await tx.execute(UPSERT_STINTS, [JSON.stringify(stints)]);
  }

  private async load(tx: Tx, ids: string[]): Promise<Map<string, WaitState>> {
    const rows = await tx.rows<Record<string, unknown>>(
      `SELECT t.ticket_id, t.channel, t.counted, t.opened_at, t.first_response_at, t.ended_at, t.tier, t.stint,
              t.version, s.tier AS s_tier, s.started_at AS s_started_at, s.responded_at AS s_responded_at,
              s.ended_at AS s_ended_at, s.ticket_id IS NOT NULL AS has_stint
         FROM wait_tickets t LEFT JOIN wait_stints s ON s.ticket_id = t.ticket_id AND s.stint = t.stint
        WHERE t.ticket_id = ANY($1::text[]) ORDER BY t.ticket_id FOR UPDATE OF t`,
      [ids],
    );
    const out = new Map<string, WaitState>();
    for (const r of rows) {
      const ticket: WaitTicket = {
        ticket_id: r.ticket_id as string,
        channel: r.channel as string,
        counted: r.counted as boolean,
        opened_at: iso(r.opened_at)!,
        first_response_at: iso(r.first_response_at),
        ended_at: iso(r.ended_at),
        tier: r.tier as string,
        stint: r.stint as number,
        version: r.version as number,
      };
      const stints = new Map<number, WaitStint>();
      if (r.has_stint)
        stints.set(ticket.stint, {
          ticket_id: ticket.ticket_id,
          stint: ticket.stint,
          tier: r.s_tier as string,
          started_at: iso(r.s_started_at)!,
          responded_at: iso(r.s_responded_at),
          ended_at: iso(r.s_ended_at),
        });
      out.set(ticket.ticket_id, { ticket, stints });
    }
    return out;
  }
}

interface WaitTicket {
  ticket_id: string;
  channel: string;
  counted: boolean;
  opened_at: string;
  first_response_at: string | null;
  ended_at: string | null;
  tier: string;
  stint: number;
  version: number;
}

interface WaitStint {
  ticket_id: string;
  stint: number;
  tier: string;
  started_at: string;
  responded_at: string | null;
  ended_at: string | null;
}

/** A ticket's wait row and the stints of it a batch knows (its current one, and those it starts). */
export interface WaitState {
  ticket: WaitTicket;
  stints: ReadonlyMap<number, WaitStint>;
}

const HANDLED: ReadonlySet<string> = new Set<TicketEvent['type']>([
  'TicketOpened',
  'PublicReplyAdded',
  'TicketEscalated',
  'TicketStatusChanged',
]);

const UPSERT_TICKETS = `INSERT INTO wait_tickets AS w
    (ticket_id, channel, counted, opened_at, first_response_at, ended_at, tier, stint, version)
  SELECT ticket_id, channel, counted, opened_at, first_response_at, ended_at, tier, stint, version
    FROM jsonb_to_recordset($1::jsonb) AS r(ticket_id text, channel text, counted boolean, opened_at timestamptz,
      first_response_at timestamptz, ended_at timestamptz, tier text, stint int, version int)
  ON CONFLICT (ticket_id) DO UPDATE SET first_response_at = EXCLUDED.first_response_at,
    ended_at = EXCLUDED.ended_at, tier = EXCLUDED.tier, stint = EXCLUDED.stint, version = EXCLUDED.version
  WHERE w.version < EXCLUDED.version`;

const UPSERT_STINTS = `INSERT INTO wait_stints AS w (ticket_id, stint, tier, started_at, responded_at, ended_at)
  SELECT ticket_id, stint, tier, started_at, responded_at, ended_at
    FROM jsonb_to_recordset($1::jsonb) AS r(ticket_id text, stint int, tier text, started_at timestamptz,
      responded_at timestamptz, ended_at timestamptz)
  ON CONFLICT (ticket_id, stint) DO UPDATE SET responded_at = EXCLUDED.responded_at, ended_at = EXCLUDED.ended_at`;

const iso = (d: unknown): string | null =>
  d === null || d === undefined ? null : d instanceof Date ? d.toISOString() : String(d as string);

/**
 * One ticket event on its wait (pure), by the rules above: the ticket row moves only for an event
 * newer than its version that concerns the wait; a stint changes only when the ticket row did. An
 * unanswered stint ends at an escalation (a new one starts at the new tier) or at solve/close.
 */
export function evolveWait(
  state: WaitState | undefined,
  id: string,
  v: number,
  e: TicketEvent,
): WaitState | undefined {
  if (state && v <= state.ticket.version) return state;
  if (e.type === 'TicketOpened') {
    if (state) return state;
    const d = e.data;
    const counted = d.openedBy.kind === 'customer' || d.openedBy.kind === 'partner';
    const ticket: WaitTicket = {
      ticket_id: id,
      channel: d.channel,
      counted,
      opened_at: d.at,
      first_response_at: null,
      ended_at: null,
      tier: d.tier,
      stint: 0,
      version: v,
    };
    const stints = new Map<number, WaitStint>();
    if (counted)
      stints.set(0, {
        ticket_id: id,
        stint: 0,
        tier: d.tier,
        started_at: d.at,
        responded_at: null,
        ended_at: null,
      });
    return { ticket, stints };
  }
  if (!state) return state;
  const t = state.ticket;
  const stints = new Map(state.stints);
  const open = (n: number) => {
    const st = stints.get(n);
    return st && st.responded_at === null && st.ended_at === null ? st : undefined;
  };
  switch (e.type) {
    case 'PublicReplyAdded': {
      if (e.data.author.kind !== 'agent') return state;
      const at = e.data.at;
      const ticket = {
        ...t,
        first_response_at: t.ended_at === null ? (t.first_response_at ?? at) : t.first_response_at,
        version: v,
      };
      const st = open(t.stint);
      if (st) stints.set(t.stint, { ...st, responded_at: at });
      return { ticket, stints };
    }
    case 'TicketEscalated': {
      const at = e.data.at;
      const ticket = { ...t, tier: e.data.toTier, stint: t.stint + 1, version: v };
      const st = open(t.stint);
      if (st) stints.set(t.stint, { ...st, ended_at: at });
      if (!stints.has(ticket.stint))
        stints.set(ticket.stint, {
          ticket_id: id,
          stint: ticket.stint,
          tier: e.data.toTier,
          started_at: at,
          responded_at: null,
          ended_at: null,
        });
      return { ticket, stints };
    }
    case 'TicketStatusChanged': {
      if (e.data.to !== 'solved' && e.data.to !== 'closed') return state;
      const at = e.data.at;
      const ticket = {
        ...t,
        ended_at: t.first_response_at === null ? (t.ended_at ?? at) : t.ended_at,
        version: v,
      };
      const st = open(t.stint);
      if (st) stints.set(t.stint, { ...st, ended_at: at });
      return { ticket, stints };
    }
    default:
      // Notes, tags, assignment, SLA clocks: not part of a customer's wait.
      return state;
  }
}
