import { MigrationInterface, QueryRunner } from 'typeorm';

/** Ticket, message and agent read models (rebuildable from es_events) and the ticket number sequence. */
export class Tickets1763769600002 implements MigrationInterface {
  name = 'Tickets1763769600002';

  async up(q: QueryRunner): Promise<void> {
    // Substring search that works for any script (CJK has no spaces for a tsvector to split on).
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE SEQUENCE ticket_number_seq START 1`);
    await q.query(`
      CREATE TABLE ticket_view (
        id                 text PRIMARY KEY,
        number             text NOT NULL,
        subject            text NOT NULL,
        description        text NOT NULL,
        category           text NOT NULL,
        priority           text NOT NULL,
        priority_rank      smallint NOT NULL,
        status             text NOT NULL,
        channel            text NOT NULL,
        language           text NOT NULL,
        customer_id        text NOT NULL,
        customer           jsonb NOT NULL,
        "transaction"      jsonb,
        tags               text[] NOT NULL DEFAULT '{}',
        tier               text NOT NULL,
        escalation_level   smallint NOT NULL DEFAULT 0,
        assignee_id        text,
        opened_by_kind     text NOT NULL,
        opened_by_id       text,
        external_ref       text,
        reopen_count       int NOT NULL DEFAULT 0,
        message_count      int NOT NULL DEFAULT 0,
        public_message_count int NOT NULL DEFAULT 0,
        escalation_requested boolean NOT NULL DEFAULT false,
        first_agent_reply_at timestamptz,
        solved_at          timestamptz,
        closed_at          timestamptz,
        sla                jsonb,
        -- 'infinity' when no target is running, so NEXT_SLA_DUE_AT ordering stays on the index.
        next_sla_due_at    timestamptz NOT NULL DEFAULT 'infinity',
        sla_breached       boolean NOT NULL DEFAULT false,
        created_at         timestamptz NOT NULL,
        updated_at         timestamptz NOT NULL,
        version            int NOT NULL,
        search_text        text GENERATED ALWAYS AS (lower(number || ' ' || subject || ' ' || description)) STORED,
        CONSTRAINT ticket_view_number_key UNIQUE (number)
      )`);
    // Every ordering of tickets(orderBy) ends with id, so cursors are stable and unique.
    await q.query(`CREATE INDEX ticket_view_created_idx ON ticket_view (created_at, id)`);
    await q.query(`CREATE INDEX ticket_view_updated_idx ON ticket_view (updated_at, id)`);
    await q.query(`CREATE INDEX ticket_view_priority_idx ON ticket_view (priority_rank, created_at, id)`);
    await q.query(`CREATE INDEX ticket_view_sla_due_idx ON ticket_view (next_sla_due_at, id)`);
    await q.query(`CREATE INDEX ticket_view_status_idx ON ticket_view (status, updated_at, id)`);
    await q.query(`CREATE INDEX ticket_view_customer_idx ON ticket_view (customer_id, updated_at, id)`);
    await q.query(`CREATE INDEX ticket_view_assignee_idx ON ticket_view (assignee_id, status)`);
    await q.query(
      `CREATE INDEX ticket_view_partner_idx ON ticket_view (opened_by_kind, opened_by_id, updated_at, id)`,
    );
    await q.query(`CREATE INDEX ticket_view_tier_idx ON ticket_view (tier, status)`);
    await q.query(`CREATE INDEX ticket_view_tags_idx ON ticket_view USING gin (tags)`);
    await q.query(`CREATE INDEX ticket_view_search_idx ON ticket_view USING gin (search_text gin_trgm_ops)`);

    await q.query(`
      CREATE TABLE ticket_messages (
        id           text PRIMARY KEY,
        ticket_id    text NOT NULL,
        seq          int NOT NULL,
        visibility   text NOT NULL,
        author_kind  text NOT NULL,
        author_id    text,
        author_name  text,
        body         text NOT NULL,
        attachments  jsonb NOT NULL DEFAULT '[]',
        created_at   timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ticket_messages_ticket_idx ON ticket_messages (ticket_id, seq)`);

    await q.query(`
      CREATE TABLE agent_view (
        id               text PRIMARY KEY,
        name             text NOT NULL,
        tier             text NOT NULL,
        languages        text[] NOT NULL,
        categories       text[] NOT NULL,
        available        boolean NOT NULL,
        max_open_tickets int NOT NULL,
        created_at       timestamptz NOT NULL,
        updated_at       timestamptz NOT NULL,
        version          int NOT NULL
      )`);
    await q.query(`CREATE INDEX agent_view_tier_idx ON agent_view (tier, available)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS agent_view`);
    await q.query(`DROP TABLE IF EXISTS ticket_messages`);
    await q.query(`DROP TABLE IF EXISTS ticket_view`);
    await q.query(`DROP SEQUENCE IF EXISTS ticket_number_seq`);
  }
}
