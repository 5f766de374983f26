import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Escalation: the tiers' waiting queues (inline, from the per-ticket escalation streams), and the
 * queue statistics read model with the agents' last assignment (async projector over ticket events).
 * Every table is derived from events and rebuilt by `projections rebuild`.
 */
export class Escalation1763769600006 implements MigrationInterface {
  name = 'Escalation1763769600006';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE escalation_queue (
        ticket_id     text PRIMARY KEY,
        escalation_id text NOT NULL,
        tier          text NOT NULL,
        trigger       text NOT NULL,
        queued_at     timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX escalation_queue_tier_idx ON escalation_queue (tier, queued_at, ticket_id)`);
    await q.query(`
      CREATE TABLE queue_stats_tickets (
        ticket_id         text PRIMARY KEY,
        tier              text NOT NULL,
        status            text NOT NULL,
        assignee_id       text,
        tier_entered_at   timestamptz NOT NULL,
        waiting_since     timestamptz,
        first_response_at timestamptz,
        version           int NOT NULL
      )`);
    await q.query(`CREATE INDEX queue_stats_tickets_tier_idx ON queue_stats_tickets (tier, status)`);
    await q.query(`
      CREATE TABLE escalation_agent_activity (
        agent_id         text PRIMARY KEY,
        last_assigned_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS escalation_agent_activity`);
    await q.query(`DROP TABLE IF EXISTS queue_stats_tickets`);
    await q.query(`DROP TABLE IF EXISTS escalation_queue`);
  }
}
