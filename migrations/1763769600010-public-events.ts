import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Public events beyond tickets: which ticket each module stream (dispute, refund, recovery case,
 * survey) belongs to, so its events reach that ticket's partner; and partner scopes on API keys
 * (payments_core, wallet_core: see PARTNER_SCOPES), which receive their scope's events of every ticket;
 * an index for purging old job-inbox rows.
 */
export class PublicEvents1763769600010 implements MigrationInterface {
  name = 'PublicEvents1763769600010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE es_stream_tickets (
        stream_id  text PRIMARY KEY,
        ticket_id  text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX es_stream_tickets_ticket_idx ON es_stream_tickets (ticket_id)`);
    await q.query(`ALTER TABLE api_keys ADD COLUMN scopes text[] NOT NULL DEFAULT '{}'`);
    // The worker's purge deletes old inbox rows by age (PurgeService).
    await q.query(`CREATE INDEX es_inbox_processed_idx ON es_inbox (processed_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS es_inbox_processed_idx`);
    await q.query(`ALTER TABLE api_keys DROP COLUMN IF EXISTS scopes`);
    await q.query(`DROP TABLE IF EXISTS es_stream_tickets`);
  }
}
