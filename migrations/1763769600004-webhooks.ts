import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks out: partner endpoints (plain configuration, like API keys), one delivery per
 * (event, endpoint), and every attempt of it. Deliveries are keyed deterministically by
 * (event id, endpoint id), so a re-run of the fan-out inserts nothing new.
 */
export class Webhooks1763769600004 implements MigrationInterface {
  name = 'Webhooks1763769600004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook_endpoints (
        id                uuid PRIMARY KEY,
        channel           text NOT NULL,
        url               text NOT NULL,
        events            text[] NOT NULL,
        secret_ciphertext text NOT NULL,
        status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
        failure_streak    int NOT NULL DEFAULT 0,
        -- When the current run of failures began: disabling needs both a count and a duration.
        failing_since     timestamptz,
        disabled_at       timestamptz,
        disabled_reason   text,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        deleted_at        timestamptz
      )`);
    await q.query(
      `CREATE INDEX webhook_endpoints_channel_idx ON webhook_endpoints (channel, created_at DESC, id DESC) WHERE deleted_at IS NULL`,
    );

    // payload is json, not jsonb: json keeps the exact text, which is the body sent on every attempt.
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id               uuid PRIMARY KEY,
        endpoint_id      uuid NOT NULL REFERENCES webhook_endpoints (id),
        event_id         uuid NOT NULL,
        event_type       text NOT NULL,
        payload          json NOT NULL,
        status           text NOT NULL CHECK (status IN ('pending', 'held', 'succeeded', 'failed')),
        attempts         int NOT NULL DEFAULT 0,
        first_attempt_at timestamptz,
        next_attempt_at  timestamptz,
        last_status_code int,
        last_error       text,
        delivered_at     timestamptz,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        -- Which enqueueing is current (redelivery and re-enabling add one): only the BullMQ job
        -- built for it (deliveryJobId(event_id, endpoint_id, requeue_count)) may send the delivery.
        requeue_count    int NOT NULL DEFAULT 0,
        -- Set while an attempt is in flight, so a duplicate job cannot send it concurrently.
        lease_until      timestamptz,
        CONSTRAINT webhook_deliveries_event_endpoint_key UNIQUE (event_id, endpoint_id)
      )`);
    await q.query(
      `CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX webhook_deliveries_held_idx ON webhook_deliveries (endpoint_id) WHERE status = 'held'`,
    );

    await q.query(`
      CREATE TABLE webhook_attempts (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        delivery_id      uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        attempt          int NOT NULL,
        started_at       timestamptz NOT NULL,
        duration_ms      int,
        status_code      int,
        error            text,
        response_excerpt text,
        CONSTRAINT webhook_attempts_delivery_attempt_key UNIQUE (delivery_id, attempt)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS webhook_attempts`);
    await q.query(`DROP TABLE IF EXISTS webhook_deliveries`);
    await q.query(`DROP TABLE IF EXISTS webhook_endpoints`);
  }
}
