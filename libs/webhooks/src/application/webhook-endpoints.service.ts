import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  AppConfig,
  CommandResult,
  CommandRunner,
  DomainError,
  FieldError,
  IdempotencyRequest,
  Tx,
  PUBLIC_EVENT_TYPES,
  PublicEventType,
  isPublicEventType,
} from '@kefu/platform';
import { decodePageCursor, encodePageCursor } from '@kefu/tickets';
import { WebhookSecretBox, newWebhookSecret } from '../infrastructure/secret-box';
import { LookupAll, checkTarget } from '../infrastructure/target-resolver';
import { WebhookQueue } from '../infrastructure/webhook-queue';
import { ENDPOINT_COLUMNS, EndpointRow, WebhookEndpointView, endpointViewOf } from './endpoint-rows';
import { requeueDeliveries } from './requeue';

/** The resolver used to vet endpoint hosts (tests may replace it). */
export const WEBHOOK_TARGET_LOOKUP = Symbol('WEBHOOK_TARGET_LOOKUP');

/** Like Stripe's limit on endpoints per account: fan-out cost stays bounded per event. */
export const MAX_ENDPOINTS_PER_CHANNEL = 20;

export interface CreateEndpointInput {
  url: string;
  events: string[];
}

/**
 * What create() returns (and what an Idempotency-Key replay returns): the secret only sealed, so
 * the idempotency table never holds it in clear. The controller opens it for the response.
 */
export interface CreatedEndpoint {
  endpoint: WebhookEndpointView;
  sealedSecret: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

const CURSOR_KIND = 'webhook-endpoints';

/** Webhook endpoints of partner channels: each channel sees and changes only its own. */
@Injectable()
export class WebhookEndpointsService {
  private readonly logger = new Logger(WebhookEndpointsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly commands: CommandRunner,
    private readonly queue: WebhookQueue,
    private readonly box: WebhookSecretBox,
    @Inject(WEBHOOK_TARGET_LOOKUP) private readonly lookup: LookupAll,
  ) {}

  async create(
    channel: string,
    input: CreateEndpointInput,
    idempotency?: IdempotencyRequest,
  ): Promise<CommandResult<CreatedEndpoint>> {
    const events = validateEvents(input.events);
    const target = await checkTarget(input.url, {
      allowPrivate: this.config.webhookAllowPrivateTargets,
      lookup: this.lookup,
    });
    if (!target.ok) throw DomainError.validation([{ field: 'url', message: target.problem }]);
    return this.commands.transaction({ idempotency, successStatus: 201, retries: 0 }, async (tx) => {
      // Serialises creations per channel, so the limit holds under concurrent requests.
      await tx.execute(`SELECT pg_advisory_xact_lock(hashtext('kefu-webhook-endpoints:' || $1))`, [channel]);
      const count = await tx.one<{ n: number }>(
        `SELECT count(*)::int AS n FROM webhook_endpoints WHERE channel = $1 AND deleted_at IS NULL`,
        [channel],
      );
      if ((count?.n ?? 0) >= MAX_ENDPOINTS_PER_CHANNEL) {
        throw DomainError.validation([
          {
            field: 'url',
            message: `a channel may have at most ${MAX_ENDPOINTS_PER_CHANNEL} endpoints; delete one first`,
          },
        ]);
      }
      const id = randomUUID();
      const secret = newWebhookSecret();
      const row = await tx.one<EndpointRow>(
        `INSERT INTO webhook_endpoints AS e (id, channel, url, events, secret_ciphertext)
         VALUES ($1, $2, $3, $4::text[], $5) RETURNING ${ENDPOINT_COLUMNS}`,
        [id, channel, target.url.toString(), events, this.box.seal(secret, id)],
      );
      this.logger.log({ endpointId: id, channel, events }, 'webhook endpoint created');
      // Sealed for the idempotency record; the response shows it in clear, once.
      return { endpoint: endpointViewOf(row!), sealedSecret: this.box.seal(secret, `response:${id}`) };
    });
  }

  /** The secret of a create() result, for the response body. */
  revealSecret(created: CreatedEndpoint): string {
    return this.box.open(created.sealedSecret, `response:${created.endpoint.id}`);
  }

  async list(channel: string, limit: number, cursor?: string): Promise<Page<WebhookEndpointView>> {
    const params: unknown[] = [channel, limit + 1];
    let after = '';
    if (cursor) {
      const c = decodePageCursor(cursor, CURSOR_KIND);
      params.push(String(c.value), c.id);
      after = `AND (e.created_at, e.id) < ($3::timestamptz, $4::uuid)`;
    }
    const rows = (await this.dataSource.query(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints e
        WHERE e.channel = $1 AND e.deleted_at IS NULL ${after}
        ORDER BY e.created_at DESC, e.id DESC LIMIT $2`,
      params,
    )) as EndpointRow[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map(endpointViewOf),
      nextCursor:
        rows.length > limit && last ? encodePageCursor(CURSOR_KIND, last.created_at_text, last.id) : null,
    };
  }

  async get(channel: string, id: string): Promise<WebhookEndpointView> {
    return endpointViewOf(await this.find(this.dataSource, channel, id));
  }

  /** Soft delete: the endpoint disappears, its deliveries that had not succeeded stop (failed). */
  async delete(channel: string, id: string): Promise<void> {
    await this.commands.transaction({ retries: 0 }, async (tx) => {
      const gone = await tx.execute(
        `UPDATE webhook_endpoints SET deleted_at = now(), updated_at = now()
          WHERE id = $1 AND channel = $2 AND deleted_at IS NULL`,
        [id, channel],
      );
      if (gone !== 1) throw DomainError.notFound('Webhook endpoint', id);
      await tx.execute(
        `UPDATE webhook_deliveries SET status = 'failed', last_error = 'endpoint deleted', next_attempt_at = NULL, updated_at = now()
          WHERE endpoint_id = $1 AND status IN ('pending', 'held')`,
        [id],
      );
    });
    this.logger.log({ endpointId: id, channel }, 'webhook endpoint deleted');
  }

  /**
   * Re-enables an endpoint (after it was disabled for failing): the failure streak starts again and
   * every delivery held meanwhile is sent, each with a fresh retry window. Enabling an active
   * endpoint changes nothing.
   */
  async enable(
    channel: string,
    id: string,
    idempotency?: IdempotencyRequest,
  ): Promise<CommandResult<WebhookEndpointView>> {
    return this.commands.transaction({ idempotency, successStatus: 200, retries: 0 }, async (tx) => {
      const row = await tx.one<EndpointRow>(
        `UPDATE webhook_endpoints e
            SET status = 'active', failure_streak = 0, failing_since = NULL, disabled_at = NULL,
                disabled_reason = NULL, updated_at = now()
          WHERE id = $1 AND channel = $2 AND deleted_at IS NULL
          RETURNING ${ENDPOINT_COLUMNS}`,
        [id, channel],
      );
      if (!row) throw DomainError.notFound('Webhook endpoint', id);
      const held = await tx.rows<{ id: string }>(
        `SELECT id FROM webhook_deliveries WHERE endpoint_id = $1 AND status = 'held' ORDER BY created_at, id`,
        [id],
      );
      const jobs = await requeueDeliveries(
        tx,
        this.queue,
        held.map((h) => h.id),
      );
      this.logger.log({ endpointId: id, channel, released: jobs.length }, 'webhook endpoint enabled');
      return endpointViewOf(row);
    });
  }

  /** The channel's live endpoint, or 404 (another channel's endpoints do not exist for it). */
  async find(db: DataSource | Tx, channel: string, id: string, lock = ''): Promise<EndpointRow> {
    const sql = `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints e WHERE e.id = $1 AND e.channel = $2 AND e.deleted_at IS NULL ${lock}`;
    const rows =
      db instanceof Tx
        ? await db.rows<EndpointRow>(sql, [id, channel])
        : ((await db.query(sql, [id, channel])) as EndpointRow[]);
    if (!rows[0]) throw DomainError.notFound('Webhook endpoint', id);
    return rows[0];
  }
}

/** At least one type, each a public type of API.md; duplicates folded. `*` is not a type. */
export function validateEvents(events: unknown): PublicEventType[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw DomainError.validation([{ field: 'events', message: 'must list at least one event type' }]);
  }
  const errors: FieldError[] = [];
  events.forEach((e, i) => {
    if (isPublicEventType(e)) return;
    const shown = typeof e === 'string' ? JSON.stringify(e) : String(e);
    errors.push({
      field: `events.${i}`,
      message:
        e === '*'
          ? 'wildcards are not supported: list the event types to receive'
          : `${shown} is not an event type; one of ${PUBLIC_EVENT_TYPES.join(', ')}`,
    });
  });
  if (errors.length) throw DomainError.validation(errors);
  return [...new Set(events as PublicEventType[])];
}
