import { Injectable } from '@nestjs/common';
import { Counter, Registry } from 'prom-client';
import { StoredEvent } from '../event-store/types';

/** Outcomes of one webhook delivery attempt (WebhookDeliveryRunner's results, plus `retry`). */
export const WEBHOOK_OUTCOMES = [
  'succeeded',
  'retry',
  'failed',
  'gave_up',
  'held',
  'skipped',
  'superseded',
] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

const SLA_TARGETS = ['first_response', 'next_response', 'resolution'] as const;
// Event types are code-defined names; anything else (never expected) shares one label value.
const EVENT_TYPE = /^[A-Z][A-Za-z0-9]{0,79}$/;

/**
 * Counters of what the domain did, per process (sum them across replicas). Counted after the
 * transaction commits, from the events themselves: no query per scrape, nothing for rolled-back work.
 * Every label has a finite set of values (event types, SLA targets, outcomes); never ids or URLs.
 */
@Injectable()
export class DomainMetrics {
  private readonly eventsAppended: Counter<'type'>;
  private readonly slaBreaches: Counter<'target'>;
  private readonly webhookDeliveries: Counter<'outcome'>;

  constructor(registry: Registry) {
    this.eventsAppended = new Counter({
      name: 'kefu_events_appended_total',
      help: 'Events committed to the event log by this process, by event type',
      labelNames: ['type'],
      registers: [registry],
    });
    this.slaBreaches = new Counter({
      name: 'kefu_sla_breaches_total',
      help: 'SLA targets breached (SlaTargetBreached events committed by this process), by target',
      labelNames: ['target'],
      registers: [registry],
    });
    this.webhookDeliveries = new Counter({
      name: 'kefu_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome (retry = a failed attempt that will be retried)',
      labelNames: ['outcome'],
      registers: [registry],
    });
    for (const target of SLA_TARGETS) this.slaBreaches.inc({ target }, 0);
    for (const outcome of WEBHOOK_OUTCOMES) this.webhookDeliveries.inc({ outcome }, 0);
  }

  /** After a commit that appended these events (EventStore's hook). */
  readonly eventsCommitted = (events: readonly StoredEvent[]): void => {
    for (const e of events) {
      this.eventsAppended.inc({ type: EVENT_TYPE.test(e.type) ? e.type : 'other' });
      if (e.type === 'SlaTargetBreached') {
        const target = (e.data as { target?: unknown }).target;
        const known = SLA_TARGETS.find((t) => t === target);
        this.slaBreaches.inc({ target: known ?? 'other' });
      }
    }
  };

  webhookDelivery(outcome: WebhookOutcome): void {
    this.webhookDeliveries.inc({ outcome });
  }
}
