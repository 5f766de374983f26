import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Self-service answers and waiting times (libs/self-service), all read models rebuildable from the
 * log: answer_session_view (inline), deflection_sessions (async, the deflection report) and
 * wait_tickets / wait_stints (async, measured first-response waits per channel and per tier).
 */
export class SelfService1763769600015 implements MigrationInterface {
  name = 'SelfService1763769600015';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE answer_session_view (
        id                    text PRIMARY KEY,
        status                text NOT NULL,
        -- Sealed with the customer's key (a session key when anonymous): opened on the way out.
        question              text NOT NULL,
        language              text NOT NULL,
        language_source       text NOT NULL,
        detected_language     text NOT NULL,
        category              text NOT NULL,
        category_confidence   float8 NOT NULL,
        priority              text NOT NULL,
        priority_reason       text NOT NULL,
        articles              jsonb NOT NULL,
        channel               text NOT NULL,
        customer_id           text,
        asked_by_kind         text NOT NULL,
        asked_by_id           text,
        accepted_article_id   text,
        ticket_id             text,
        created_at            timestamptz NOT NULL,
        updated_at            timestamptz NOT NULL,
        version               int NOT NULL
      )`);
    await q.query(`CREATE INDEX answer_session_view_ticket_idx ON answer_session_view (ticket_id)`);
    await q.query(`CREATE INDEX answer_session_view_customer_idx ON answer_session_view (customer_id)`);
    await q.query(`
      CREATE TABLE deflection_sessions (
        session_id      text PRIMARY KEY,
        category        text NOT NULL,
        language        text NOT NULL,
        channel         text NOT NULL,
        articles_shown  int NOT NULL,
        outcome         text NOT NULL,
        suggested_at    timestamptz NOT NULL,
        outcome_at      timestamptz,
        version         int NOT NULL
      )`);
    await q.query(`CREATE INDEX deflection_sessions_suggested_idx ON deflection_sessions (suggested_at)`);
    await q.query(`
      CREATE TABLE wait_tickets (
        ticket_id          text PRIMARY KEY,
        channel            text NOT NULL,
        -- Opened by the customer or a partner for them: a wait someone sat through (not an agent's own).
        counted            boolean NOT NULL,
        opened_at          timestamptz NOT NULL,
        first_response_at  timestamptz,
        -- Solved or closed before any agent reply: the wait ended without an answer.
        ended_at           timestamptz,
        tier               text NOT NULL,
        stint              int NOT NULL,
        version            int NOT NULL
      )`);
    await q.query(`CREATE INDEX wait_tickets_channel_idx ON wait_tickets (channel, opened_at)`);
    await q.query(`
      CREATE TABLE wait_stints (
        ticket_id     text NOT NULL,
        stint         int NOT NULL,
        tier          text NOT NULL,
        started_at    timestamptz NOT NULL,
        responded_at  timestamptz,
        ended_at      timestamptz,
        PRIMARY KEY (ticket_id, stint)
      )`);
    await q.query(`CREATE INDEX wait_stints_tier_idx ON wait_stints (tier, started_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['wait_stints', 'wait_tickets', 'deflection_sessions', 'answer_session_view'])
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    // Their consumers start from the beginning again if the tables come back.
    await q.query(`DELETE FROM es_checkpoints WHERE consumer IN ('deflection', 'wait-times')`);
  }
}
