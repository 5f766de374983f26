import { Injectable } from '@nestjs/common';
import { Projection, StoredEvent, Tx } from '@kefu/platform';
import {
  BUSINESS_CALENDAR_STREAM_TYPE,
  BusinessCalendarUpserted,
  SLA_POLICY_STREAM_TYPE,
  SlaPolicyUpserted,
} from '../domain/sla-config';

/** sla_policies and business_calendars from their upsert events; inline and rebuildable. */
@Injectable()
export class SlaConfigProjection implements Projection {
  readonly name = 'sla-config';
  readonly tables = ['sla_policies', 'business_calendars'] as const;

  async apply(tx: Tx, events: StoredEvent[]): Promise<void> {
    for (const s of events) {
      if (s.streamType === SLA_POLICY_STREAM_TYPE && s.type === 'SlaPolicyUpserted') {
        const { created: _c, at, ...policy } = s.data as SlaPolicyUpserted['data'];
        await tx.execute(
          `INSERT INTO sla_policies (id, name, priority, definition, created_at, updated_at, version)
           VALUES ($1, $2, $3, $4, $5, $5, $6)
           ON CONFLICT (id) DO UPDATE SET name = $2, priority = $3, definition = $4, updated_at = $5, version = $6
           WHERE sla_policies.version < $6`,
          [policy.id, policy.name, policy.priority, JSON.stringify(policy), at, s.streamPosition],
        );
      } else if (s.streamType === BUSINESS_CALENDAR_STREAM_TYPE && s.type === 'BusinessCalendarUpserted') {
        const { created: _c, at, ...cal } = s.data as BusinessCalendarUpserted['data'];
        await tx.execute(
          `INSERT INTO business_calendars (id, name, definition, created_at, updated_at, version)
           VALUES ($1, $2, $3, $4, $4, $5)
           ON CONFLICT (id) DO UPDATE SET name = $2, definition = $3, updated_at = $4, version = $5
           WHERE business_calendars.version < $5`,
          [cal.id, cal.name, JSON.stringify(cal), at, s.streamPosition],
        );
      }
    }
  }
}
