import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Personal data: per-customer data keys (wrapped by PII_MASTER_KEY; a destroyed key is a NULL
 * wrapped_key, the row stays as the record of the erasure) and the account-recovery read model
 * (rebuildable from es_events; personal fields in it are sealed or masked, never clear).
 */
export class AccountRecoveryPii1763769600008 implements MigrationInterface {
  name = 'AccountRecoveryPii1763769600008';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE pii_data_keys (
        subject_id    text NOT NULL,
        generation    int NOT NULL,
        wrapped_key   text,
        master_key_id text NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        rotated_at    timestamptz,
        destroyed_at  timestamptz,
        PRIMARY KEY (subject_id, generation)
      )`);
    await q.query(`
      CREATE TABLE recovery_case_view (
        id                   text PRIMARY KEY,
        ticket_id            text NOT NULL,
        kind                 text NOT NULL,
        status               text NOT NULL,
        customer_id          text NOT NULL,
        customer             jsonb NOT NULL,
        language             text NOT NULL,
        account_frozen       boolean NOT NULL DEFAULT false,
        failed_verifications int NOT NULL DEFAULT 0,
        locked_until         timestamptz,
        verifications        jsonb NOT NULL DEFAULT '[]',
        opened_by_kind       text NOT NULL,
        opened_by_id         text,
        created_at           timestamptz NOT NULL,
        updated_at           timestamptz NOT NULL,
        version              int NOT NULL
      )`);
    await q.query(`CREATE INDEX recovery_case_view_created_idx ON recovery_case_view (created_at, id)`);
    await q.query(`CREATE INDEX recovery_case_view_customer_idx ON recovery_case_view (customer_id)`);
    await q.query(`CREATE INDEX recovery_case_view_ticket_idx ON recovery_case_view (ticket_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS recovery_case_view`);
    await q.query(`DROP TABLE IF EXISTS pii_data_keys`);
  }
}
