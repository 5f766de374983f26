import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  API_KEY_SECURITY,
  ApiIdempotencyKey,
  ApiProblems,
  CurrentPrincipal,
  IdempotencyKey,
  IdempotencyRequest,
  PartnerOnly,
  PartnerPrincipal,
  ResponseLike,
  sendCommandResult,
  uuidParam,
} from '@kefu/platform';
import { WebhookDeliveriesService } from '../../application/webhook-deliveries.service';
import { WebhookEndpointsService } from '../../application/webhook-endpoints.service';
import { CreateWebhookEndpointDto, ListDeliveriesQueryDto, PageQueryDto } from './webhook.dto';
import {
  CreatedWebhookEndpointResource,
  WebhookDeliveryDetailResource,
  WebhookDeliveryListResource,
  WebhookDeliveryResource,
  WebhookEndpointListResource,
  WebhookEndpointResource,
} from './webhook.resource';

const ENDPOINT_ID = uuidParam('id', 'a webhook endpoint id');
const DELIVERY_ID = uuidParam('deliveryId', 'a delivery id');

/** A partner channel's webhook endpoints and their delivery logs. Another channel's → 404. */
@ApiTags('webhooks')
@ApiSecurity(API_KEY_SECURITY)
@PartnerOnly()
@ApiProblems('unauthenticated', 'forbidden', 'rate_limited')
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(
    private readonly endpoints: WebhookEndpointsService,
    private readonly deliveries: WebhookDeliveriesService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Register an endpoint',
    description:
      'Events are POSTed as JSON {id, type, occurredAt, data} with Kefu-Event-Id, Kefu-Delivery-Id and Kefu-Signature headers; ' +
      'at least once, retried with exponential backoff for a day, then marked failed (redeliverable). Dedupe by event id.',
  })
  @ApiIdempotencyKey()
  @ApiResponse({
    status: 201,
    type: CreatedWebhookEndpointResource,
    description: 'The secret is shown only here',
  })
  @ApiProblems(
    'validation_failed',
    'payload_too_large',
    'idempotency_key_reused',
    'idempotency_request_in_progress',
  )
  async create(
    @CurrentPrincipal() principal: PartnerPrincipal,
    @Body() dto: CreateWebhookEndpointDto,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<CreatedWebhookEndpointResource> {
    const r = await this.endpoints.create(principal.partner, dto, idempotency);
    sendCommandResult(res, r);
    return { ...r.result.endpoint, secret: this.endpoints.revealSecret(r.result) };
  }

  @Get()
  @ApiOperation({ summary: "The channel's endpoints, newest first" })
  @ApiResponse({ status: 200, type: WebhookEndpointListResource })
  @ApiProblems('validation_failed')
  list(
    @CurrentPrincipal() principal: PartnerPrincipal,
    @Query() q: PageQueryDto,
  ): Promise<WebhookEndpointListResource> {
    return this.endpoints.list(principal.partner, q.limit ?? 20, q.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'An endpoint (without its secret)' })
  @ApiResponse({ status: 200, type: WebhookEndpointResource })
  @ApiProblems('validation_failed', 'not_found')
  get(
    @CurrentPrincipal() principal: PartnerPrincipal,
    @Param('id', ENDPOINT_ID) id: string,
  ): Promise<WebhookEndpointResource> {
    return this.endpoints.get(principal.partner, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an endpoint; its deliveries not yet made stop (marked failed)' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiProblems('validation_failed', 'not_found')
  async remove(
    @CurrentPrincipal() principal: PartnerPrincipal,
    @Param('id', ENDPOINT_ID) id: string,
  ): Promise<void> {
    await this.endpoints.delete(principal.partner, id);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Re-enable an endpoint that was disabled for failing',
    description:
      'Resets the failure streak and sends every delivery held while it was disabled. Enabling an active endpoint changes nothing.',
  })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 200, type: WebhookEndpointResource })
  @ApiProblems('validation_failed', 'not_found', 'idempotency_key_reused', 'idempotency_request_in_progress')
  async enable(
    @CurrentPrincipal() principal: PartnerPrincipal,
    @Param('id', ENDPOINT_ID) id: string,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<WebhookEndpointResource> {
    const r = await this.endpoints.enable(principal.partner, id, idempotency);
    sendCommandResult(res, r);
    return r.result;
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "The endpoint's deliveries, newest first" })
  @ApiResponse({ status: 200, type: WebhookDeliveryListResource })
  @ApiProblems('validation_failed', 'not_found')
  listDeliveries(
    @CurrentPrincipal() principal: PartnerPrincipal,
    @Param('id', ENDPOINT_ID) id: string,
    @Query() q: ListDeliveriesQueryDto,
  ): Promise<WebhookDeliveryListResource> {
    return this.deliveries.list(principal.partner, id, {
      limit: q.limit ?? 20,
      cursor: q.cursor,
      status: q.status,
    });
  }

  @Get(':id/deliveries/:deliveryId')
  @ApiOperation({ summary: 'A delivery with its payload and every attempt' })
  @ApiParam({ name: 'deliveryId', format: 'uuid' })
  @ApiResponse({ status: 200, type: WebhookDeliveryDetailResource })
  @ApiProblems('validation_failed', 'not_found')
  getDelivery(
    @CurrentPrincipal() principal: PartnerPrincipal,
    @Param('id', ENDPOINT_ID) id: string,
    @Param('deliveryId', DELIVERY_ID) deliveryId: string,
  ): Promise<WebhookDeliveryDetailResource> {
    return this.deliveries.get(principal.partner, id, deliveryId) as Promise<WebhookDeliveryDetailResource>;
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a delivery again',
    description:
      'Any status, a succeeded delivery included; the history is kept and a fresh retry window starts. The endpoint must be enabled.',
  })
  @ApiParam({ name: 'deliveryId', format: 'uuid' })
  @ApiIdempotencyKey()
  @ApiResponse({ status: 202, type: WebhookDeliveryResource })
  @ApiProblems(
    'validation_failed',
    'not_found',
    'invalid_transition',
    'idempotency_key_reused',
    'idempotency_request_in_progress',
  )
  async redeliver(
    @CurrentPrincipal() principal: PartnerPrincipal,
    @Param('id', ENDPOINT_ID) id: string,
    @Param('deliveryId', DELIVERY_ID) deliveryId: string,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Res({ passthrough: true }) res: ResponseLike,
  ): Promise<WebhookDeliveryResource> {
    const r = await this.deliveries.redeliver(principal.partner, id, deliveryId, idempotency);
    sendCommandResult(res, r, 202);
    return r.result;
  }
}
