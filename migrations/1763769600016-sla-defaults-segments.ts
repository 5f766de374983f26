import { randomUUID } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';

// The defaults as shipped (docs/sla-and-segments.md). Frozen here: a later release that ships other
// defaults adds its own migration; admins change these through upsertSlaPolicy/upsertBusinessCalendar.
const CALENDAR = {
  id: 'default-business-hours',
  name: 'Business hours (Mon–Fri 09:00–18:00, Asia/Shanghai)',
  timeZone: 'Asia/Shanghai',
  hours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, opens: '09:00', closes: '18:00' })),
  holidays: [] as string[],
};
const H = 3600;
const POLICIES = [
  // Urgent runs 24/7 (DOMAIN.md); the others in business hours (a business day is 9 hours).
  ['urgent', 'Urgent (24/7)', 1 * H, 1 * H, 8 * H, null],
  ['high', 'High (business hours)', 4 * H, 4 * H, 18 * H, CALENDAR.id],
  ['normal', 'Normal (business hours)', 8 * H, 8 * H, 45 * H, CALENDAR.id],
  ['low', 'Low (business hours)', 24 * H, 24 * H, 90 * H, CALENDAR.id],
] as const;

/**
 * Default SLA policies on a fresh install, and customer segments (VIP).
 *
 * The defaults are events (SlaPolicyUpserted, BusinessCalendarUpserted on their own streams, written
 * by the system) and their read-model rows, so an admin's later change is the next event on the same
 * stream and a rebuild gives the same. They are written only when no policy and no calendar exists:
 * an install whose admins configured SLAs already keeps exactly its configuration.
 */
export class SlaDefaultsSegments1763769600016 implements MigrationInterface {
  name = 'SlaDefaultsSegments1763769600016';

  async up(q: QueryRunner): Promise<void> {
    // Segments: given by the partner on the ticket's customer, or set by an admin per customer.
    await q.query(`
      CREATE TABLE customer_segments (
        customer_id text PRIMARY KEY,
        segments    text[] NOT NULL,
        updated_at  timestamptz NOT NULL,
        version     int NOT NULL
      )`);
    await q.query(`ALTER TABLE ticket_view ADD COLUMN segments text[] NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE ticket_view ADD COLUMN vip boolean NOT NULL DEFAULT false`);
    // Queue order: priority first, a VIP ticket before others of its priority.
    await q.query(`
      ALTER TABLE ticket_view ADD COLUMN queue_rank smallint
        GENERATED ALWAYS AS (priority_rank * 2 + CASE WHEN vip THEN 1 ELSE 0 END) STORED`);
    await q.query(`CREATE INDEX ticket_view_queue_idx ON ticket_view (queue_rank, id)`);

    const configured = (await q.query(
      `SELECT EXISTS (SELECT 1 FROM es_streams WHERE stream_type IN ('sla_policy', 'business_calendar')) AS any`,
    )) as Array<{ any: boolean }>;
    if (configured[0]?.any) return;
    const at = new Date().toISOString();
    const meta = JSON.stringify({ actor: { kind: 'system', id: 'default-sla-policies' } });
    const append = async (streamId: string, streamType: string, type: string, data: object) => {
      const rows = (await q.query(
        `SELECT stream_position::int AS position
           FROM es_append($1, $2, -1, $3::uuid[], $4::text[], $5::int[], $6::jsonb[], $7::jsonb[])`,
        [streamId, streamType, [randomUUID()], [type], [1], [JSON.stringify(data)], [meta]],
      )) as Array<{ position: number }>;
      return rows[0].position;
    };
    const calVersion = await append(
      `business-calendar-${CALENDAR.id}`,
      'business_calendar',
      'BusinessCalendarUpserted',
      { ...CALENDAR, created: true, at },
    );
    await q.query(
      `INSERT INTO business_calendars (id, name, definition, created_at, updated_at, version)
       VALUES ($1, $2, $3, $4, $4, $5)`,
      [CALENDAR.id, CALENDAR.name, JSON.stringify(CALENDAR), at, calVersion],
    );
    for (const [priority, name, first, next, resolution, calendarId] of POLICIES) {
      const policy = {
        id: `default-${priority}`,
        name,
        priority,
        categories: [],
        channels: [],
        segments: [],
        firstResponseSeconds: first,
        nextResponseSeconds: next,
        resolutionSeconds: resolution,
        calendarId,
        warningRatio: 0.8,
      };
      const version = await append(`sla-policy-${policy.id}`, 'sla_policy', 'SlaPolicyUpserted', {
        ...policy,
        created: true,
        at,
      });
      await q.query(
        `INSERT INTO sla_policies (id, name, priority, definition, created_at, updated_at, version)
         VALUES ($1, $2, $3, $4, $5, $5, $6)`,
        [policy.id, name, priority, JSON.stringify(policy), at, version],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    // The default policies stay: they are events like any admin's, and may have been changed since.
    await q.query(`DROP INDEX IF EXISTS ticket_view_queue_idx`);
    await q.query(`ALTER TABLE ticket_view DROP COLUMN IF EXISTS queue_rank`);
    await q.query(`ALTER TABLE ticket_view DROP COLUMN IF EXISTS vip`);
    await q.query(`ALTER TABLE ticket_view DROP COLUMN IF EXISTS segments`);
    await q.query(`DROP TABLE IF EXISTS customer_segments`);
  }
}
