import { Logger } from '@nestjs/common';
import {
  EventConsumer,
  PiiVault,
  PublicEventSources,
  StoredEvent,
  Tx,
  scopedPublicTypes,
  PublicEvent,
} from '@kefu/platform';
import { TICKET_STREAM_TYPE, TicketOpenedData } from '@kefu/tickets';
import { deliveryIdOf } from '../domain/delivery-id';
import { TicketRef, publicTypeOf, toPublicEvent } from '../domain/event-mapper';
import { DeliveryJobRequest, WebhookQueue } from '../infrastructure/webhook-queue';

interface Owner {
  /** The partner that brought the ticket in, if a partner did. */
  channel?: string;
  ticket: TicketRef;
}

interface EndpointTarget {
  id: string;
  channel: string;
  events: string[];
  status: 'active' | 'disabled';
  created_at: Date;
}

/**
 * The global log → webhook deliveries. For each public event of a ticket a partner channel brought
 * in (the ticket's own events, and those of streams linked to it: disputes, refunds, recovery cases,
 * surveys — through PublicEventSources), one delivery row per subscribed endpoint of that channel,
 * plus one per endpoint of a partner whose scope covers the event type (the payments core, the wallet
 * core), (deterministic id, ON CONFLICT DO
 * NOTHING) in the batch transaction, and one job per delivery added to Redis before the
 * checkpoint commits. A crash in between re-runs the batch: the rows exist or are re-inserted, the
 * job ids are the same, and the delivery job sends each at most once successfully.
 */
export class WebhookFanout implements EventConsumer {
  readonly name = 'webhook-fanout';
  readonly batchSize = 200;
  private readonly logger = new Logger(WebhookFanout.name);

  constructor(
    private readonly queue: WebhookQueue,
    private readonly sources: PublicEventSources,
    private readonly vault: PiiVault,
  ) {}

  async handle(events: StoredEvent[], tx: Tx): Promise<void> {
    const candidates = events.filter((e) =>
      e.streamType === TICKET_STREAM_TYPE
        ? publicTypeOf(e.type) !== undefined
        : this.sources.publicTypeOf(e.streamType, e.type) !== undefined,
    );
    if (candidates.length === 0) return;
    const ticketOf = await this.ticketsOf(tx, candidates);
    const owners = await this.ownersOf(tx, [...new Set(ticketOf.values())]);
    const scoped = await this.scopedPartners(tx);
    const channels = [
      ...new Set([...[...owners.values()].flatMap((o) => (o.channel ? [o.channel] : [])), ...scoped.keys()]),
    ];
    if (channels.length === 0) return;
    // FOR SHARE: enabling, disabling or deleting an endpoint waits for this batch, so a delivery is
    // never inserted as 'held' for an endpoint enabled meanwhile (or pending for a deleted one).
    const endpoints = await tx.rows<EndpointTarget>(
      `SELECT id, channel, events, status, created_at FROM webhook_endpoints
        WHERE channel = ANY($1::text[]) AND deleted_at IS NULL ORDER BY id FOR SHARE`,
      [channels],
    );
    if (endpoints.length === 0) return;

    // Personal data is sealed in the events: opened here, then masked (or left out) by the mappers.
    const revealed = await this.vault.reveal(
      candidates.map((e) => e.data),
      tx,
    );
    const opened = new Map(candidates.map((e, i) => [e.eventId, revealed[i]]));
    const rows: Array<{
      id: string;
      endpointId: string;
      eventId: string;
      type: string;
      body: string;
      status: string;
    }> = [];
    for (const e of candidates) {
      const ticketId = ticketOf.get(e.eventId);
      const owner = ticketId ? owners.get(ticketId) : undefined;
      if (!owner) continue;
      const event = this.toPublic({ ...e, data: opened.get(e.eventId) }, owner.ticket);
      if (!event) continue;
      // Like Stripe: an endpoint gets the events that happened after it was registered, even when
      // the fan-out runs late (a lagging worker, a reset checkpoint), never the history before it.
      const subscribed = endpoints.filter(
        (ep) =>
          (ep.channel === owner.channel || scoped.get(ep.channel)?.has(event.type)) &&
          ep.created_at.getTime() <= e.createdAt.getTime(),
      );
      if (subscribed.length === 0) continue;
      const body = JSON.stringify(event); // built once: every attempt sends exactly these bytes
      for (const ep of subscribed) {
        if (!ep.events.includes(event.type)) continue;
        rows.push({
          id: deliveryIdOf(e.eventId, ep.id),
          endpointId: ep.id,
          eventId: e.eventId,
          type: event.type,
          body,
          status: ep.status === 'active' ? 'pending' : 'held',
        });
      }
    }
    if (rows.length === 0) return;
    await tx.execute(
      `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, payload, status, next_attempt_at)
       SELECT r.id, r.endpoint_id, r.event_id, r.event_type, r.body::json, r.status,
              CASE WHEN r.status = 'pending' THEN now() END
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[])
              AS r(id, endpoint_id, event_id, event_type, body, status)
       ON CONFLICT DO NOTHING`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.endpointId),
        rows.map((r) => r.eventId),
        rows.map((r) => r.type),
        rows.map((r) => r.body),
        rows.map((r) => r.status),
      ],
    );
    // The current job of every delivery of the batch, new or found: a re-run (after a crash before
    // the checkpoint, a reset, or Redis losing its jobs) dispatches them again, like the job
    // dispatcher does. BullMQ ignores ids it still knows; a job whose delivery already succeeded
    // sends nothing. Held (endpoint disabled) and failed deliveries wait for enable/redeliver.
    const pending = await tx.rows<{
      id: string;
      event_id: string;
      endpoint_id: string;
      requeue_count: number;
    }>(
      `SELECT id, event_id, endpoint_id, requeue_count FROM webhook_deliveries
        WHERE id = ANY($1::uuid[]) AND status IN ('pending', 'succeeded')`,
      [rows.map((r) => r.id)],
    );
    const byEvent = new Map(events.map((e) => [e.eventId, e]));
    const jobs: DeliveryJobRequest[] = pending.map((p) => ({
      deliveryId: p.id,
      eventId: p.event_id,
      endpointId: p.endpoint_id,
      requeue: p.requeue_count,
      meta: { correlationId: byEvent.get(p.event_id)?.metadata.correlationId, causationId: p.event_id },
    }));
    for (let i = 0; i < jobs.length; i += 500) await this.queue.enqueue(jobs.slice(i, i + 500));
    this.logger.debug(
      { events: candidates.length, deliveries: rows.length, jobs: jobs.length },
      'fanned out',
    );
  }

  private toPublic(e: StoredEvent, ticket: TicketRef): PublicEvent | undefined {
    if (e.streamType === TICKET_STREAM_TYPE)
      return toPublicEvent({
        eventId: e.eventId,
        type: e.type,
        data: e.data,
        recordedAt: e.createdAt,
        ticket,
      });
    return this.sources.toPublic(
      e.streamType,
      { eventId: e.eventId, streamId: e.streamId, type: e.type, data: e.data, recordedAt: e.createdAt },
      ticket,
    );
  }

  /** Event id → the ticket it belongs to: its own stream, or the ticket a module stream is linked to. */
  private async ticketsOf(tx: Tx, events: StoredEvent[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const linked = [
      ...new Set(events.filter((e) => e.streamType !== TICKET_STREAM_TYPE).map((e) => e.streamId)),
    ];
    const links = new Map<string, string>();
    if (linked.length) {
      const rows = await tx.rows<{ stream_id: string; ticket_id: string }>(
        `SELECT stream_id, ticket_id FROM es_stream_tickets WHERE stream_id = ANY($1::text[])`,
        [linked],
      );
      for (const r of rows) links.set(r.stream_id, r.ticket_id);
      const unlinked = linked.filter((id) => !links.has(id));
      // A module that forgot linkStreamToTicket: its events cannot be routed to anyone.
      if (unlinked.length)
        this.logger.error({ streams: unlinked }, 'public events of streams not linked to a ticket');
    }
    for (const e of events) {
      const ticketId = e.streamType === TICKET_STREAM_TYPE ? e.streamId : links.get(e.streamId);
      if (ticketId) out.set(e.eventId, ticketId);
    }
    return out;
  }

  /** Partners holding a scope (through any active key) → the public types they get for every ticket. */
  private async scopedPartners(tx: Tx): Promise<Map<string, Set<string>>> {
    const rows = await tx.rows<{ partner: string; scopes: string[] }>(
      `SELECT partner, array_agg(DISTINCT s) AS scopes
         FROM api_keys, unnest(scopes) AS s
        WHERE revoked_at IS NULL
        GROUP BY partner`,
    );
    return new Map(rows.map((r) => [r.partner, new Set<string>(scopedPublicTypes(r.scopes))]));
  }

  /** The partner channel that owns each ticket (ticket_view; the ticket's first event if the row is missing). */
  private async ownersOf(tx: Tx, ticketIds: string[]): Promise<Map<string, Owner>> {
    const owners = new Map<string, Owner>();
    const rows = await tx.rows<{
      id: string;
      number: string;
      channel: string;
      external_ref: string | null;
      opened_by_kind: string;
      opened_by_id: string | null;
    }>(
      `SELECT id, number, channel, external_ref, opened_by_kind, opened_by_id FROM ticket_view WHERE id = ANY($1::text[])`,
      [ticketIds],
    );
    for (const r of rows) {
      owners.set(r.id, {
        channel: r.opened_by_kind === 'partner' && r.opened_by_id ? r.opened_by_id : undefined,
        ticket: { id: r.id, number: r.number, channel: r.channel, externalRef: r.external_ref },
      });
    }
    const missing = ticketIds.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length) {
      // The read model is rebuilt under a table lock, so this should not happen; the log decides.
      const opened = await tx.rows<{ stream_id: string; data: TicketOpenedData }>(
        `SELECT stream_id, data FROM es_events WHERE stream_id = ANY($1::text[]) AND stream_position = 1 AND event_type = 'TicketOpened'`,
        [missing],
      );
      for (const o of opened) {
        const d = o.data;
        owners.set(o.stream_id, {
          channel: d.openedBy?.kind === 'partner' && d.openedBy.id ? d.openedBy.id : undefined,
          ticket: {
            id: o.stream_id,
            number: d.number,
            channel: d.channel,
            externalRef: d.externalRef ?? null,
          },
        });
      }
      this.logger.warn({ tickets: missing.length }, 'ticket_view rows missing; owners read from the log');
    }
    return owners;
  }
}
