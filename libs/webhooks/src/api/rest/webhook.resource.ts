import { ApiProperty } from '@nestjs/swagger';
import { DELIVERY_STATUSES } from '../../application/endpoint-rows';
import { PUBLIC_EVENT_TYPES } from '@kefu/platform';

export class WebhookEndpointResource {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ type: [String], enum: PUBLIC_EVENT_TYPES }) events!: string[];
  @ApiProperty({
    enum: ['active', 'disabled'],
    description: 'disabled after failing for too long; POST …/enable to resume',
  })
  status!: string;
  @ApiProperty({ description: 'Consecutive failed attempts (0 after any success)' }) failureStreak!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) disabledAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) disabledReason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class CreatedWebhookEndpointResource extends WebhookEndpointResource {
  @ApiProperty({
    example: 'whsec_3q2-7wEXAMPLEsecretEXAMPLEsecretEXAMPLEsec',
    description:
      'Signing secret, shown only in this response. Kefu-Signature is t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>"> keyed with this whole string.',
  })
  secret!: string;
}

export class WebhookEndpointListResource {
  @ApiProperty({ type: [WebhookEndpointResource] }) data!: WebhookEndpointResource[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class WebhookDeliveryResource {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) endpointId!: string;
  @ApiProperty({ format: 'uuid', description: 'Also the `id` of the payload and the Kefu-Event-Id header' })
  eventId!: string;
  @ApiProperty({ enum: PUBLIC_EVENT_TYPES }) eventType!: string;
  @ApiProperty({
    enum: DELIVERY_STATUSES,
    description:
      'pending (being tried) · held (endpoint disabled; sent when re-enabled) · succeeded · failed (retry window over, or endpoint deleted)',
  })
  status!: string;
  @ApiProperty({ description: 'Attempts made so far' }) attempts!: number;
  @ApiProperty({ type: Number, nullable: true }) lastStatusCode!: number | null;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) firstAttemptAt!: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the next retry is due (pending only)',
  })
  nextAttemptAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class WebhookAttemptResource {
  @ApiProperty() attempt!: number;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: Number, nullable: true }) durationMs!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'null when there was no HTTP response' })
  statusCode!: number | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'First 1 KiB of the response body, as text' })
  responseExcerpt!: string | null;
}

export class PublicEventResource {
  @ApiProperty({ format: 'uuid', description: 'Event id: dedupe by it' }) id!: string;
  @ApiProperty({ enum: PUBLIC_EVENT_TYPES }) type!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'ticket {id, number, channel, externalRef, …} and the change; personal data masked',
  })
  data!: Record<string, unknown>;
}

export class WebhookDeliveryDetailResource extends WebhookDeliveryResource {
  @ApiProperty({ type: PublicEventResource, description: 'The body sent on every attempt' })
  payload!: PublicEventResource;
  @ApiProperty({ type: [WebhookAttemptResource] }) attemptLog!: WebhookAttemptResource[];
}

export class WebhookDeliveryListResource {
  @ApiProperty({ type: [WebhookDeliveryResource] }) data!: WebhookDeliveryResource[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class EventFeedResource {
  @ApiProperty({ type: [PublicEventResource] }) data!: PublicEventResource[];
  @ApiProperty({
    description:
      'Pass as `after` to continue. Never null: on an empty page it is the cursor you sent, so keep polling with it.',
  })
  nextCursor!: string;
}
