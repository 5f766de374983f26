import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CommandResult, CommandRunner, DomainError, IdempotencyRequest } from '@kefu/platform';
import { decodePageCursor, encodePageCursor } from '@kefu/tickets';
import { WebhookQueue } from '../infrastructure/webhook-queue';
import {
  AttemptRow,
  DELIVERY_COLUMNS,
  DeliveryDetailView,
  DeliveryRow,
  DeliveryStatus,
  DeliveryView,
  attemptViewOf,
  deliveryViewOf,
} from './endpoint-rows';
import { requeueDeliveries } from './requeue';
import { Page, WebhookEndpointsService } from './webhook-endpoints.service';

const CURSOR_KIND = 'webhook-deliveries';

/** The delivery log of an endpoint, and manual redelivery. */
@Injectable()
export class WebhookDeliveriesService {
  private readonly logger = new Logger(WebhookDeliveriesService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly commands: CommandRunner,
    private readonly endpoints: WebhookEndpointsService,
    private readonly queue: WebhookQueue,
  ) {}

  /** Newest first. */
  async list(
    channel: string,
    endpointId: string,
    opts: { limit: number; cursor?: string; status?: DeliveryStatus },
  ): Promise<Page<DeliveryView>> {
    await this.endpoints.find(this.dataSource, channel, endpointId);
    const params: unknown[] = [endpointId, opts.limit + 1];
    const where = ['d.endpoint_id = $1'];
    if (opts.status) {
      params.push(opts.status);
      where.push(`d.status = $${params.length}`);
    }
    if (opts.cursor) {
      const c = decodePageCursor(opts.cursor, CURSOR_KIND);
      params.push(String(c.value), c.id);
      where.push(`(d.created_at, d.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    const rows = (await this.dataSource.query(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE ${where.join(' AND ')}
        ORDER BY d.created_at DESC, d.id DESC LIMIT $2`,
      params,
    )) as DeliveryRow[];
    const page = rows.slice(0, opts.limit);
    const last = page[page.length - 1];
    return {
      data: page.map(deliveryViewOf),
      nextCursor:
        rows.length > opts.limit && last
          ? encodePageCursor(CURSOR_KIND, last.created_at_text, last.id)
          : null,
    };
  }

  async get(channel: string, endpointId: string, deliveryId: string): Promise<DeliveryDetailView> {
    await this.endpoints.find(this.dataSource, channel, endpointId);
    const rows = (await this.dataSource.query(
      `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.id = $1 AND d.endpoint_id = $2`,
      [deliveryId, endpointId],
    )) as DeliveryRow[];
    const row = rows[0];
    if (!row) throw DomainError.notFound('Webhook delivery', deliveryId);
    const attempts = (await this.dataSource.query(
      `SELECT attempt, started_at, duration_ms, status_code, error, response_excerpt
         FROM webhook_attempts WHERE delivery_id = $1 ORDER BY attempt`,
      [deliveryId],
    )) as AttemptRow[];
    return {
      ...deliveryViewOf(row),
      payload: JSON.parse(row.body) as unknown,
      attemptLog: attempts.map(attemptViewOf),
    };
  }

  /**
   * Sends a delivery again, whatever its status (a succeeded one too: that is what it is for), as a
   * new job; its history is kept. The endpoint must be enabled first if it was disabled.
   */
  async redeliver(
    channel: string,
    endpointId: string,
    deliveryId: string,
    idempotency?: IdempotencyRequest,
  ): Promise<CommandResult<DeliveryView>> {
    return this.commands.transaction({ idempotency, successStatus: 202, retries: 0 }, async (tx) => {
      const endpoint = await this.endpoints.find(tx, channel, endpointId, 'FOR SHARE');
      if (endpoint.status !== 'active') {
        throw DomainError.invalidTransition(
          'The endpoint is disabled; enable it first (its held deliveries are then sent).',
        );
      }
      const exists = await tx.one(`SELECT 1 FROM webhook_deliveries WHERE id = $1 AND endpoint_id = $2`, [
        deliveryId,
        endpointId,
      ]);
      if (!exists) throw DomainError.notFound('Webhook delivery', deliveryId);
      const [job] = await requeueDeliveries(tx, this.queue, [deliveryId]);
      this.logger.log({ deliveryId, endpointId, requeue: job.requeue }, 'webhook redelivery requested');
      const row = await tx.one<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.id = $1`,
        [deliveryId],
      );
      return deliveryViewOf(row!);
    });
  }
}
