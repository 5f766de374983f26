import { Injectable } from '@nestjs/common';
import { Tx, inTransaction, preparedSql } from '@kefu/platform';
import { SlaRules } from '@kefu/tickets';
import { DataSource } from 'typeorm';
import { BusinessCalendar, SlaPolicy, slaRulesFrom } from '../domain/sla-config';

interface ConfigRow {
  policies: SlaPolicy[];
  calendars: BusinessCalendar[];
}

/** Reads of the SLA configuration, and the SlaRules every ticket command carries. */
// Both tables in one prepared statement: it runs inside every ticket command.
const SLA_CONFIG = preparedSql(
  'sla_config',
  `SELECT (SELECT coalesce(json_agg(definition ORDER BY id), '[]'::json) FROM sla_policies) AS policies,
          (SELECT coalesce(json_agg(definition ORDER BY id), '[]'::json) FROM business_calendars) AS calendars`,
);

@Injectable()
export class SlaConfigQueries {
  constructor(private readonly ds: DataSource) {}

  /** Both tables in one round trip: this runs inside every ticket command. */
  async configIn(tx: Tx): Promise<ConfigRow> {
    const row = await tx.one<ConfigRow>(SLA_CONFIG);
    return row ?? { policies: [], calendars: [] };
  }

  async rulesIn(tx: Tx): Promise<SlaRules> {
    const c = await this.configIn(tx);
    return slaRulesFrom(c.policies, c.calendars);
  }

  config(): Promise<ConfigRow> {
    return inTransaction(this.ds, (tx) => this.configIn(tx));
  }

  async policy(tx: Tx, id: string): Promise<SlaPolicy | undefined> {
    const row = await tx.one<{ definition: SlaPolicy }>(`SELECT definition FROM sla_policies WHERE id = $1`, [
      id,
    ]);
    return row?.definition;
  }

  async calendar(tx: Tx, id: string): Promise<BusinessCalendar | undefined> {
    const row = await tx.one<{ definition: BusinessCalendar }>(
      `SELECT definition FROM business_calendars WHERE id = $1`,
      [id],
    );
    return row?.definition;
  }
}
