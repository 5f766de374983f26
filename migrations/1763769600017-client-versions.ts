import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ticket_view.client_version (docs/adr/0014-client-versions.md): the position of the last event a person
 * or a business change wrote, what clients see as the ticket's `version`. Backfilled from the log with
 * the rule of libs/tickets/src/application/client-version.ts (SLA events other than a client command's,
 * and the system's routing events, do not count). A client holding a stream version that an SLA event
 * moved gets one VERSION_CONFLICT after the upgrade, reloads, and is on client versions from then on.
 */
export class ClientVersions1763769600017 implements MigrationInterface {
  name = 'ClientVersions1763769600017';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ticket_view ADD COLUMN client_version integer NOT NULL DEFAULT 0`);
    await q.query(`
      UPDATE ticket_view v SET client_version = COALESCE(
        (SELECT max(e.stream_position) FROM es_events e
          WHERE e.stream_id = v.id
            AND CASE WHEN e.event_type LIKE 'Sla%' THEN e.metadata->>'origin' IS NOT DISTINCT FROM 'client'
                     WHEN e.metadata->>'origin' = 'system'
                       THEN e.event_type NOT IN ('TicketAssigned', 'TicketUnassigned', 'TicketEscalated')
                     ELSE true END),
        v.version)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ticket_view DROP COLUMN client_version`);
  }
}
