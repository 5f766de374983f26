// Rows of the webhook tables and their API views. Plain tables (partner configuration), not events.
import { PublicEventType } from '@kefu/platform';

export type EndpointStatus = 'active' | 'disabled';
export type DeliveryStatus = 'pending' | 'held' | 'succeeded' | 'failed';
export const DELIVERY_STATUSES = [
  'pending',
  'held',
  'succeeded',
  'failed',
] as const satisfies readonly DeliveryStatus[];

export interface EndpointRow {
  id: string;
  channel: string;
  url: string;
  events: string[];
  secret_ciphertext: string;
  status: EndpointStatus;
  failure_streak: number;
  failing_since: Date | null;
  disabled_at: Date | null;
  disabled_reason: string | null;
  created_at: Date;
  created_at_text: string;
  updated_at: Date;
  deleted_at: Date | null;
}

/** Selects an endpoint with its exact creation time as text (keyset cursors need microseconds). */
export const ENDPOINT_COLUMNS = `e.*, e.created_at::text AS created_at_text`;

export interface WebhookEndpointView {
  id: string;
  url: string;
  events: PublicEventType[];
  status: EndpointStatus;
  failureStreak: number;
  disabledAt: string | null;
  disabledReason: string | null;
  createdAt: string;
}

export function endpointViewOf(r: EndpointRow): WebhookEndpointView {
  return {
    id: r.id,
    url: r.url,
    events: r.events as PublicEventType[],
    status: r.status,
    failureStreak: r.failure_streak,
    disabledAt: r.disabled_at ? r.disabled_at.toISOString() : null,
    disabledReason: r.disabled_reason,
    createdAt: r.created_at.toISOString(),
  };
}

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  first_attempt_at: Date | null;
  next_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
  created_at_text: string;
  requeue_count: number;
  lease_until: Date | null;
}

/** payload as its exact text (json keeps it), not parsed and re-serialised. */
export const DELIVERY_COLUMNS = `d.id, d.endpoint_id, d.event_id, d.event_type, d.payload::text AS body, d.status,
  d.attempts, d.first_attempt_at, d.next_attempt_at, d.last_status_code, d.last_error, d.delivered_at,
  d.created_at, d.created_at::text AS created_at_text, d.requeue_count, d.lease_until`;

export interface AttemptRow {
  attempt: number;
  started_at: Date;
  duration_ms: number | null;
  status_code: number | null;
  error: string | null;
  response_excerpt: string | null;
}

export interface DeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  firstAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface AttemptView {
  attempt: number;
  startedAt: string;
  durationMs: number | null;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

export interface DeliveryDetailView extends DeliveryView {
  /** The exact body sent (parsed here for convenience). */
  payload: unknown;
  attemptLog: AttemptView[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function deliveryViewOf(r: DeliveryRow): DeliveryView {
  return {
    id: r.id,
    endpointId: r.endpoint_id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    firstAttemptAt: iso(r.first_attempt_at),
    nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
    deliveredAt: iso(r.delivered_at),
    createdAt: r.created_at.toISOString(),
  };
}

export function attemptViewOf(a: AttemptRow): AttemptView {
  return {
    attempt: a.attempt,
    startedAt: a.started_at.toISOString(),
    durationMs: a.duration_ms,
    statusCode: a.status_code,
    error: a.error,
    responseExcerpt: a.response_excerpt,
  };
}
