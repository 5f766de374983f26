import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models of disputes and refunds (rebuildable from their streams). The refund cap and the
 * one-open-dispute rule live on per-transaction streams in the event store, not here.
 */
export class DisputesRefunds1763769600007 implements MigrationInterface {
  name = 'DisputesRefunds1763769600007';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE refund_view (
        id                       text PRIMARY KEY,
        ticket_id                text NOT NULL,
        dispute_id               text,
        customer_id              text NOT NULL,
        customer                 jsonb NOT NULL,
        transaction_id           text NOT NULL,
        "transaction"            jsonb NOT NULL,
        amount                   bigint NOT NULL,
        currency                 text NOT NULL,
        reason                   text NOT NULL,
        status                   text NOT NULL,
        requires_senior_approval boolean NOT NULL,
        requested_by             jsonb NOT NULL,
        approved_by              jsonb,
        expected_by              timestamptz,
        processing_event_id      text,
        payout_reference         text,
        failure_reason           text,
        overdue                  boolean NOT NULL DEFAULT false,
        follow_up_ticket_id      text,
        created_at               timestamptz NOT NULL,
        updated_at               timestamptz NOT NULL,
        version                  integer NOT NULL
      )`);
    await q.query(`CREATE INDEX refund_view_ticket_idx ON refund_view (ticket_id)`);
    await q.query(`CREATE INDEX refund_view_customer_idx ON refund_view (customer_id, created_at DESC)`);
    await q.query(`CREATE INDEX refund_view_transaction_idx ON refund_view (transaction_id)`);
    await q.query(`CREATE INDEX refund_view_list_idx ON refund_view (created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX refund_view_processing_idx ON refund_view (expected_by) WHERE status = 'processing' AND NOT overdue`,
    );
    await q.query(`
      CREATE TABLE dispute_view (
        id                        text PRIMARY KEY,
        ticket_id                 text NOT NULL,
        customer_id               text NOT NULL,
        customer                  jsonb NOT NULL,
        transaction_id            text NOT NULL,
        "transaction"             jsonb NOT NULL,
        reason                    text NOT NULL,
        claimed_amount            bigint NOT NULL,
        awarded_amount            bigint,
        status                    text NOT NULL,
        merchant_response_due_at  timestamptz,
        customer_evidence_due_at  timestamptz,
        merchant_responded        boolean NOT NULL DEFAULT false,
        evidence                  jsonb NOT NULL DEFAULT '[]',
        outcome                   text,
        rationale                 text,
        decided_by                jsonb,
        refund_id                 text,
        created_at                timestamptz NOT NULL,
        updated_at                timestamptz NOT NULL,
        version                   integer NOT NULL
      )`);
    await q.query(`CREATE INDEX dispute_view_ticket_idx ON dispute_view (ticket_id, created_at DESC)`);
    await q.query(`CREATE INDEX dispute_view_customer_idx ON dispute_view (customer_id, created_at DESC)`);
    await q.query(`CREATE INDEX dispute_view_transaction_idx ON dispute_view (transaction_id)`);
    await q.query(`CREATE INDEX dispute_view_list_idx ON dispute_view (created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX dispute_view_awaiting_idx ON dispute_view (merchant_response_due_at) WHERE status = 'awaiting_merchant'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS dispute_view`);
    await q.query(`DROP TABLE IF EXISTS refund_view`);
  }
}
