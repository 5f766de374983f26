import { Logger, Module, OnModuleInit } from '@nestjs/common';
import { AppConfig, ConsumerRegistry, PiiVault, PublicEventSources } from '@kefu/platform';
import { TICKET_EVENT_SCHEMAS } from './domain/ticket-event.schemas';
import { EventFeedService } from './application/event-feed.service';
import { PendingDeliveriesReconciler } from './application/pending-deliveries.reconciler';
import { WebhookDeliveryRunner } from './application/webhook-delivery.runner';
import { WebhookDeliveriesService } from './application/webhook-deliveries.service';
import { WebhookFanout } from './application/webhook-fanout.consumer';
import { WEBHOOK_TARGET_LOOKUP, WebhookEndpointsService } from './application/webhook-endpoints.service';
import { EventsController } from './api/rest/events.controller';
import { WebhooksController } from './api/rest/webhooks.controller';
import { WebhookSecretBox } from './infrastructure/secret-box';
import { systemLookup } from './infrastructure/target-resolver';
import { WebhookQueue } from './infrastructure/webhook-queue';
import { DeliverWebhookProcessor } from './jobs/deliver-webhook.job';

/** Endpoints, deliveries, the event feed and the queue: what both apps need. */
@Module({
  providers: [
    {
      provide: WebhookSecretBox,
      inject: [AppConfig],
      useFactory: (c: AppConfig) => new WebhookSecretBox(c.piiMasterKey),
    },
    { provide: WEBHOOK_TARGET_LOOKUP, useValue: systemLookup },
    WebhookQueue,
    WebhookEndpointsService,
    WebhookDeliveriesService,
    EventFeedService,
  ],
  exports: [
    WebhookSecretBox,
    WEBHOOK_TARGET_LOOKUP,
    WebhookQueue,
    WebhookEndpointsService,
    WebhookDeliveriesService,
    EventFeedService,
  ],
})
export class WebhooksCoreModule implements OnModuleInit {
  constructor(
    private readonly config: AppConfig,
    private readonly sources: PublicEventSources,
  ) {}

  onModuleInit(): void {
    // Ticket events are mapped here (event-mapper.ts), not by a registered source: describe them.
    for (const [type, schema] of Object.entries(TICKET_EVENT_SCHEMAS))
      this.sources.describe(type as keyof typeof TICKET_EVENT_SCHEMAS, schema);
    if (this.config.isProduction && this.config.webhookAllowPrivateTargets) {
      new Logger('Webhooks').warn(
        'WEBHOOK_ALLOW_PRIVATE_TARGETS=true in production: webhook endpoints may target private and loopback addresses',
      );
    }
  }
}

/** The REST surface: /v1/webhooks and /v1/events, for partner channels. */
@Module({ imports: [WebhooksCoreModule], controllers: [WebhooksController, EventsController] })
export class WebhooksApiModule {}

/** The worker side: the fan-out consumer, the delivery processor, and re-deriving lost jobs. */
@Module({
  imports: [WebhooksCoreModule],
  providers: [WebhookDeliveryRunner, DeliverWebhookProcessor, PendingDeliveriesReconciler],
})
export class WebhooksWorkerModule implements OnModuleInit {
  constructor(
    private readonly registry: ConsumerRegistry,
    private readonly queue: WebhookQueue,
    private readonly sources: PublicEventSources,
    private readonly vault: PiiVault,
  ) {}

  onModuleInit(): void {
    this.registry.register(new WebhookFanout(this.queue, this.sources, this.vault));
  }
}
