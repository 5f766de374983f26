import { MigrationInterface, QueryRunner } from 'typeorm';

/** SLA policies and business calendars (read models of their streams, rebuildable from es_events). */
export class Sla1763769600005 implements MigrationInterface {
  name = 'Sla1763769600005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sla_policies (
        id          text PRIMARY KEY,
        name        text NOT NULL,
        priority    text NOT NULL,
        -- The whole policy as the SLA rules read it (one query per ticket command).
        definition  jsonb NOT NULL,
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL,
        version     int NOT NULL
      )`);
    await q.query(`
      CREATE TABLE business_calendars (
        id          text PRIMARY KEY,
        name        text NOT NULL,
        definition  jsonb NOT NULL,
        created_at  timestamptz NOT NULL,
        updated_at  timestamptz NOT NULL,
        version     int NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS business_calendars`);
    await q.query(`DROP TABLE IF EXISTS sla_policies`);
  }
}
