import { Global, Injectable, Module } from '@nestjs/common';
import { Tx } from '../event-store/tx';
import { JsonSchema } from '../domain/json-schema';
import { PUBLIC_EVENT_TYPES, PublicEventType, isPublicEventType } from '../domain/public-event-types';

/**
 * Public events (API.md "Webhooks out") of streams other than tickets: disputes, refunds, recovery
 * cases, surveys. Each module registers one source for its stream type; the webhook fan-out and the
 * partner event feed ask the registry, so neither knows the modules and the modules do not know them.
 *
 * Who receives an event is decided by the ticket the stream hangs off (its channel's partner, see
 * ADR 0004): a module links each new stream to its ticket with `linkStreamToTicket`, in the
 * transaction that creates the stream. Scoped partners (PARTNER_SCOPES) also receive the public types
 * of their scope for every ticket.
 */

/** The ticket a public event belongs to, as partners see it (these fields never change). */
export interface PublicTicketRef {
  id: string;
  number: string;
  channel: string;
  externalRef?: string | null;
}

/** A stored event handed to a source (already upcast). */
export interface SourceEvent {
  eventId: string;
  streamId: string;
  type: string;
  data: unknown;
  recordedAt: Date;
}

export interface PublicEventSource {
  /** The stream type whose events this source maps (`dispute`, `refund`, …). */
  streamType: string;
  /**
   * Domain event type → public event type, for every event that may become public. Everything not
   * listed stays private. The feed filters on these names in SQL.
   */
  publicTypes: Readonly<Record<string, PublicEventType>>;
  /**
   * The public payload (`data` of the webhook body), built field by field from the event — never by
   * spreading it, so a field added to a domain event stays private until added here. Personal data
   * masked. `undefined` drops this event.
   */
  toPublic(event: SourceEvent, ticket: PublicTicketRef): Record<string, unknown> | undefined;
  /**
   * The JSON Schema of `data` for each public type this source emits: published in /openapi.json
   * (`webhooks`), and checked against real deliveries by the webhook contract test, which also
   * fails while a public type has none.
   */
  payloadSchemas?: Readonly<Partial<Record<PublicEventType, JsonSchema>>>;
}

@Injectable()
export class PublicEventSources {
  private readonly byStream = new Map<string, PublicEventSource>();
  private readonly byEventType = new Map<string, PublicEventSource>();
  private readonly schemas = new Map<PublicEventType, JsonSchema>();

  register(source: PublicEventSource): void {
    const existing = this.byStream.get(source.streamType);
    if (existing === source) return;
    if (existing)
      throw new Error(`a public event source for stream type ${source.streamType} is already registered`);
    for (const [domainType, publicType] of Object.entries(source.publicTypes)) {
      if (!isPublicEventType(publicType))
        throw new Error(`${domainType} maps to unknown public type ${String(publicType as unknown)}`);
      if (this.byEventType.has(domainType)) throw new Error(`event type ${domainType} is mapped twice`);
      this.byEventType.set(domainType, source);
    }
    for (const [publicType, schema] of Object.entries(source.payloadSchemas ?? {})) {
      if (isPublicEventType(publicType) && schema) this.describe(publicType, schema);
    }
    this.byStream.set(source.streamType, source);
  }

  /**
   * Publishes the payload schema of a public type whose events are not mapped by a registered source
   * (ticket events are mapped by the webhooks module itself).
   */
  describe(type: PublicEventType, schema: JsonSchema): void {
    const existing = this.schemas.get(type);
    if (existing && existing !== schema) throw new Error(`the payload of ${type} is described twice`);
    this.schemas.set(type, schema);
  }

  /** The payload schema of every public type that has one, in the order of API.md. */
  payloadSchemas(): Array<[PublicEventType, JsonSchema]> {
    return PUBLIC_EVENT_TYPES.filter((t) => this.schemas.has(t)).map((t) => [t, this.schemas.get(t)!]);
  }

  has(streamType: string): boolean {
    return this.byStream.has(streamType);
  }

  /** Every registered domain event type that may become public. */
  eventTypes(): string[] {
    return [...this.byEventType.keys()];
  }

  /** The domain event types whose public type is one of `types`. */
  eventTypesFor(types: readonly string[]): string[] {
    return [...this.byEventType.entries()]
      .filter(([domainType, src]) => types.includes(src.publicTypes[domainType]))
      .map(([domainType]) => domainType);
  }

  publicTypeOf(streamType: string, domainType: string): PublicEventType | undefined {
    const src = this.byStream.get(streamType);
    return src && Object.prototype.hasOwnProperty.call(src.publicTypes, domainType)
      ? src.publicTypes[domainType]
      : undefined;
  }

  /** The public event for a stored event of a registered stream, or undefined. */
  toPublic(
    streamType: string,
    event: SourceEvent,
    ticket: PublicTicketRef,
  ): { id: string; type: PublicEventType; occurredAt: string; data: Record<string, unknown> } | undefined {
    const type = this.publicTypeOf(streamType, event.type);
    if (!type) return undefined;
    const data = this.byStream.get(streamType)!.toPublic(event, ticket);
    if (!data) return undefined;
    const at = (event.data as { at?: unknown } | null)?.at;
    const occurredAt =
      typeof at === 'string' && !Number.isNaN(Date.parse(at))
        ? new Date(at).toISOString()
        : event.recordedAt.toISOString();
    return { id: event.eventId, type, occurredAt, data };
  }
}

/** Global, so each module can register its source from its own onModuleInit. */
@Global()
@Module({ providers: [PublicEventSources], exports: [PublicEventSources] })
export class PublicEventsModule {}

/**
 * Records that `streamId` (a dispute, refund, recovery case, survey…) belongs to `ticketId`, in the
 * transaction that creates the stream: its public events go to that ticket's partner. Idempotent; a
 * stream belongs to one ticket for good.
 */
export async function linkStreamToTicket(tx: Tx, streamId: string, ticketId: string): Promise<void> {
  const row = await tx.one<{ ticket_id: string }>(
    `INSERT INTO es_stream_tickets (stream_id, ticket_id) VALUES ($1, $2)
     ON CONFLICT (stream_id) DO UPDATE SET stream_id = EXCLUDED.stream_id
     RETURNING ticket_id`,
    [streamId, ticketId],
  );
  // A programming error, not a client's: stream ids are generated by the module.
  if (row && row.ticket_id !== ticketId)
    throw new Error(`stream ${streamId} already belongs to ticket ${row.ticket_id}`);
}
