import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig, Clock, inTransaction } from '@kefu/platform';
import { jitteredDelayMs, nextRetryDelayMs } from '../domain/backoff';
import { SIGNATURE_HEADER, signatureHeader } from '../domain/signature';
import { SendResult, postWebhook } from '../infrastructure/http-sender';
import { WebhookSecretBox } from '../infrastructure/secret-box';
import { LookupAll, checkTarget } from '../infrastructure/target-resolver';
import { DELIVERY_COLUMNS, DeliveryRow, EndpointRow } from './endpoint-rows';
import { WEBHOOK_TARGET_LOOKUP } from './webhook-endpoints.service';

export const USER_AGENT = 'Kefu-Webhooks/1';

/** Extra time an attempt's lease lasts beyond the HTTP deadline (recording it, pauses). */
const LEASE_MARGIN_MS = 2000;

export interface DeliveryJobRef {
  /** The BullMQ job id (for the logs). */
  jobId: string;
  deliveryId: string;
  /** Which enqueueing of the delivery the job is: only the current one (requeue_count) may send it. */
  requeue: number;
  /** When the job was created (ms): bounds how long it waits for a row it cannot see yet. */
  createdAt: number;
  /** Attempts BullMQ has made of this job so far. */
  attemptsMade: number;
}

export type DeliveryOutcome =
  | { kind: 'done'; result: 'succeeded' | 'failed' | 'held' | 'skipped' | 'superseded' | 'gave-up' }
  | { kind: 'retry'; delayMs: number; reason: string };

/** A clock, so tests can move time. */

type Peek =
  | { outcome: DeliveryOutcome; delivery?: undefined; endpoint?: undefined }
  | { outcome?: undefined; delivery: DeliveryRow; endpoint: EndpointRow };

type Target = Awaited<ReturnType<typeof checkTarget>>;

interface Claimed {
  outcome?: undefined;
  attempt: number;
  firstAttemptAt: Date;
  delivery: DeliveryRow;
  endpoint: EndpointRow;
}
type Claim = { outcome: DeliveryOutcome } | Claimed;

interface Sent {
  result: SendResult;
  ok: boolean;
  error: string | null;
}

/**
 * One attempt of one delivery: check → claim (a lease and a numbered attempt row, committed) →
 * POST → record (committed whatever the outcome) → succeeded, retry later, failed after the
 * window, or held when the endpoint got disabled. Transactions are short and never span the HTTP
 * call (an open transaction would hold back every reader of the global log).
 */
@Injectable()
export class WebhookDeliveryRunner {
  private readonly logger = new Logger(WebhookDeliveryRunner.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly box: WebhookSecretBox,
    @Inject(WEBHOOK_TARGET_LOOKUP) private readonly lookup: LookupAll,
    private readonly clock: Clock,
  ) {}

  private get policy() {
    return {
      baseMs: this.config.webhookBackoffBaseMs,
      maxMs: this.config.webhookBackoffMaxMs,
      windowMs: this.config.webhookRetryWindowSeconds * 1000,
    };
  }

  /** A row this job cannot see yet (its transaction has not committed): wait, within reason. */
  private notYet(job: DeliveryJobRef, reason: string): DeliveryOutcome {
    if (this.clock.now().getTime() - job.createdAt > this.policy.windowMs) {
      this.logger.warn(
        { deliveryId: job.deliveryId, jobId: job.jobId, reason },
        'gave up waiting for the delivery',
      );
      return { kind: 'done', result: 'gave-up' };
    }
    // Usually the fan-out's commit is a few milliseconds behind its jobs: look again soon, then less often.
    const soon = { baseMs: Math.min(this.policy.baseMs, 250), maxMs: Math.min(this.policy.maxMs, 30_000) };
    return { kind: 'retry', delayMs: jitteredDelayMs(job.attemptsMade + 1, soon), reason };
  }

  /**
   * One attempt: peek → target → claim → send → record. Each step returns an outcome when the
   * attempt ends there (a duplicate, a superseded job, a held or deleted endpoint).
   */
  async run(job: DeliveryJobRef): Promise<DeliveryOutcome> {
    const seen = await this.peek(job);
    if (seen.outcome) return seen.outcome;
    const target = await this.target(seen.endpoint);
    const claim = await this.claim(job, seen.delivery.endpoint_id);
    if (claim.outcome) return claim.outcome;
    const sent = await this.send(claim, target);
    return this.record(job, claim, sent);
  }

  /** 1. A look without locks: most duplicates stop here, before any DNS or HTTP. */
  private async peek(job: DeliveryJobRef): Promise<Peek> {
    const seen = (
      (await this.dataSource.query(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.id = $1`, [
        job.deliveryId,
      ])) as DeliveryRow[]
    )[0];
    if (!seen) return { outcome: this.notYet(job, 'delivery not visible yet') };
    if (seen.requeue_count !== job.requeue) {
      return {
        outcome:
          job.requeue > seen.requeue_count
            ? this.notYet(job, 'requeue not visible yet')
            : { kind: 'done', result: 'superseded' },
      };
    }
    if (seen.status !== 'pending') return { outcome: { kind: 'done', result: 'skipped' } };

    const endpoint = (
      (await this.dataSource.query(`SELECT e.* FROM webhook_endpoints e WHERE e.id = $1`, [
        seen.endpoint_id,
      ])) as EndpointRow[]
    )[0];
    if (!endpoint) return { outcome: { kind: 'done', result: 'skipped' } };
    return { delivery: seen, endpoint };
  }

  /** 2. Where to connect, checked now (DNS may have changed since registration). */
  private target(endpoint: EndpointRow): Promise<Target> {
    return checkTarget(endpoint.url, {
      allowPrivate: this.config.webhookAllowPrivateTargets,
      lookup: this.lookup,
    });
  }

  /**
   * 3. Claim: re-check everything under locks (endpoint, then delivery: the order every writer
   * uses), then take a lease and open a numbered attempt row, committed.
   */
  private claim(job: DeliveryJobRef, endpointId: string): Promise<Claim> {
    return inTransaction(this.dataSource, async (tx): Promise<Claim> => {
      const now = this.clock.now();
      const ep = await tx.one<EndpointRow>(`SELECT e.* FROM webhook_endpoints e WHERE e.id = $1 FOR SHARE`, [
        endpointId,
      ]);
      const d = await tx.one<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries d WHERE d.id = $1 FOR UPDATE`,
        [job.deliveryId],
      );
      if (!ep || !d || d.requeue_count !== job.requeue)
        return { outcome: { kind: 'done', result: 'superseded' } as DeliveryOutcome };
      if (d.status !== 'pending') return { outcome: { kind: 'done', result: 'skipped' } as DeliveryOutcome };
      if (ep.deleted_at) {
        await tx.execute(
          `UPDATE webhook_deliveries SET status = 'failed', last_error = 'endpoint deleted', next_attempt_at = NULL, updated_at = now() WHERE id = $1`,
          [d.id],
        );
        return { outcome: { kind: 'done', result: 'failed' } as DeliveryOutcome };
      }
      if (ep.status === 'disabled') {
        await tx.execute(
          `UPDATE webhook_deliveries SET status = 'held', next_attempt_at = NULL, updated_at = now() WHERE id = $1`,
          [d.id],
        );
        return { outcome: { kind: 'done', result: 'held' } as DeliveryOutcome };
      }
      if (d.lease_until && d.lease_until.getTime() > now.getTime()) {
        // Another job holds this delivery's attempt (a duplicate running concurrently): after it.
        return {
          outcome: {
            kind: 'retry',
            delayMs: d.lease_until.getTime() - now.getTime() + 50,
            reason: 'attempt in flight elsewhere',
          } as DeliveryOutcome,
        };
      }
      const attempt = d.attempts + 1;
      const firstAttemptAt = d.first_attempt_at ?? now;
      await tx.execute(
        `UPDATE webhook_deliveries
            SET attempts = $2, first_attempt_at = $3, lease_until = $4, next_attempt_at = NULL, updated_at = now()
          WHERE id = $1`,
        [
          d.id,
          attempt,
          firstAttemptAt,
          new Date(now.getTime() + this.config.webhookTimeoutMs + LEASE_MARGIN_MS),
        ],
      );
      // An attempt a crashed worker started and never finished is closed as such.
      await tx.execute(
        `UPDATE webhook_attempts SET error = 'interrupted: the worker stopped before the response was recorded'
          WHERE delivery_id = $1 AND duration_ms IS NULL AND error IS NULL`,
        [d.id],
      );
      await tx.execute(
        `INSERT INTO webhook_attempts (delivery_id, attempt, started_at) VALUES ($1, $2, $3)`,
        [d.id, attempt, now],
      );
      return { attempt, firstAttemptAt, delivery: d, endpoint: ep };
    });
  }

  /** 4. The POST (no transaction open). */
  private async send(claim: Claimed, target: Target): Promise<Sent> {
    const { attempt, delivery, endpoint: ep } = claim;
    let result: SendResult;
    if (!target.ok) {
      result = { error: `blocked: ${target.problem}`, durationMs: 0 };
    } else {
      const t = Math.floor(this.clock.now().getTime() / 1000);
      const secret = this.box.open(ep.secret_ciphertext, ep.id);
      result = await postWebhook({
        url: target.url,
        address: target.address,
        body: delivery.body,
        timeoutMs: this.config.webhookTimeoutMs,
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': USER_AGENT,
          'Kefu-Event-Id': delivery.event_id,
          'Kefu-Event-Type': delivery.event_type,
          'Kefu-Delivery-Id': delivery.id,
          'Kefu-Delivery-Attempt': String(attempt),
          [SIGNATURE_HEADER]: signatureHeader(secret, t, delivery.body),
        },
      });
    }
    const ok = result.statusCode !== undefined && result.statusCode >= 200 && result.statusCode < 300;
    const error = ok
      ? null
      : (result.error ??
        (result.statusCode !== undefined && result.statusCode >= 300 && result.statusCode < 400
          ? `HTTP ${result.statusCode} (redirects are not followed)`
          : `HTTP ${result.statusCode}`));
    return { result, ok, error };
  }

  /** 5. Record, committed whatever happened. */
  private record(job: DeliveryJobRef, claim: Claimed, sent: Sent): Promise<DeliveryOutcome> {
    const { attempt, firstAttemptAt, delivery, endpoint: ep } = claim;
    const { result, ok, error } = sent;
    return inTransaction(this.dataSource, async (tx) => {
      const now = this.clock.now();
      await tx.execute(
        `UPDATE webhook_attempts SET duration_ms = $3, status_code = $4, error = $5, response_excerpt = $6
          WHERE delivery_id = $1 AND attempt = $2`,
        [
          delivery.id,
          attempt,
          result.durationMs,
          result.statusCode ?? null,
          error,
          result.responseExcerpt ?? null,
        ],
      );
      if (ok) {
        // Endpoint first, then delivery: the lock order of every writer.
        await tx.execute(
          `UPDATE webhook_endpoints SET failure_streak = 0, failing_since = NULL
            WHERE id = $1 AND (failure_streak <> 0 OR failing_since IS NOT NULL)`,
          [ep.id],
        );
        await tx.execute(
          `UPDATE webhook_deliveries
              SET status = 'succeeded', delivered_at = $3, last_status_code = $4, last_error = NULL,
                  next_attempt_at = NULL, lease_until = NULL, updated_at = now()
            WHERE id = $1 AND requeue_count = $2`,
          [delivery.id, job.requeue, now, result.statusCode],
        );
        this.logger.log(
          { deliveryId: delivery.id, endpointId: ep.id, attempt, status: result.statusCode },
          'webhook delivered',
        );
        return { kind: 'done', result: 'succeeded' } as DeliveryOutcome;
      }
      const disabledAfter = new Date(now.getTime() - this.config.webhookDisableAfterSeconds * 1000);
      const epAfter = await tx.one<{ status: string; failure_streak: number }>(
        `UPDATE webhook_endpoints
            SET failure_streak = failure_streak + 1,
                failing_since = coalesce(failing_since, $2),
                status = CASE WHEN status = 'active' AND failure_streak + 1 >= $3 AND coalesce(failing_since, $2) <= $4
                              THEN 'disabled' ELSE status END,
                disabled_at = CASE WHEN status = 'active' AND failure_streak + 1 >= $3 AND coalesce(failing_since, $2) <= $4
                                   THEN $2 ELSE disabled_at END,
                disabled_reason = CASE WHEN status = 'active' AND failure_streak + 1 >= $3 AND coalesce(failing_since, $2) <= $4
                                       THEN $5 ELSE disabled_reason END,
                updated_at = now()
          WHERE id = $1
          RETURNING status, failure_streak`,
        [
          ep.id,
          now,
          this.config.webhookDisableAfterFailures,
          disabledAfter,
          `${this.config.webhookDisableAfterFailures} consecutive failed attempts; last: ${error}`,
        ],
      );
      const delay = nextRetryDelayMs(attempt, firstAttemptAt, now, this.policy);
      const next: 'held' | 'failed' | 'pending' =
        epAfter?.status === 'disabled' ? 'held' : delay === undefined ? 'failed' : 'pending';
      await tx.execute(
        `UPDATE webhook_deliveries
            SET status = $3, last_status_code = $4, last_error = $5, next_attempt_at = $6, lease_until = NULL, updated_at = now()
          WHERE id = $1 AND requeue_count = $2 AND status = 'pending'`,
        [
          delivery.id,
          job.requeue,
          next,
          result.statusCode ?? null,
          error,
          next === 'pending' ? new Date(now.getTime() + delay!) : null,
        ],
      );
      this.logger.warn(
        {
          deliveryId: delivery.id,
          endpointId: ep.id,
          attempt,
          error,
          next,
          retryInMs: next === 'pending' ? delay : undefined,
          streak: epAfter?.failure_streak,
        },
        'webhook attempt failed',
      );
      if (next === 'pending')
        return { kind: 'retry', delayMs: delay!, reason: error ?? 'failed' } as DeliveryOutcome;
      return { kind: 'done', result: next } as DeliveryOutcome;
    });
  }
}
