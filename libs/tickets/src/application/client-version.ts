import { EventMetadata, StoredEvent } from '@kefu/platform';

/**
 * A ticket's client version (docs/adr/0014-client-versions.md): the stream position of the last event
 * that a person or a business rule wrote. What the worker writes on its own to keep the clocks and the
 * routing (SLA warnings, breaches and recalculations; assignments and escalations by routing and
 * triggers) leaves it where it was, so an agent's `expectedVersion` goes stale only when someone (or a
 * business rule such as the auto-close) changed the ticket.
 */
export const SYSTEM_ORIGIN: EventMetadata = { origin: 'system' };
export const CLIENT_ORIGIN: EventMetadata = { origin: 'client' };

// The rule itself is pure and lives with the ticket view's fold.
export { ROUTING_EVENT_TYPES, movesClientVersion } from '../domain/ticket-view';
import { movesClientVersion } from '../domain/ticket-view';

/** The client version after these events, read in stream order (0 for none). */
export function clientVersionOf(events: readonly StoredEvent[], from = 0): number {
  let v = from;
  for (const e of events) if (movesClientVersion(e)) v = e.streamPosition;
  return v;
}
