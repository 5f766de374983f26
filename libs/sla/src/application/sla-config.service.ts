import { Injectable } from '@nestjs/common';
import { CommandResult, CommandRunner, DomainError, Principal, Tx, withDomainErrors } from '@kefu/platform';
import { actorFromPrincipal } from '@kefu/tickets';
import { randomUUID } from 'node:crypto';
import {
  BUSINESS_CALENDAR_STREAM_TYPE,
  BusinessCalendar,
  SLA_POLICY_STREAM_TYPE,
  SlaPolicy,
  UpsertBusinessCalendar,
  UpsertSlaPolicy,
  calendarDecider,
  calendarStreamId,
  slaPolicyDecider,
  slaPolicyStreamId,
} from '../domain/sla-config';
import { SlaConfigProjection } from '../projections/sla-config.projection';
import { SlaConfigQueries } from './sla-config.queries';

const policyDecider = withDomainErrors(slaPolicyDecider);
const calDecider = withDomainErrors(calendarDecider);

export type PolicyInput = Omit<Record<keyof SlaPolicy, unknown>, 'id' | 'channels' | 'segments'> & {
  segments?: unknown;
  id?: string | null;
  channels?: unknown;
};
export type CalendarInput = Omit<Record<keyof BusinessCalendar, unknown>, 'id'> & { id?: string | null };

const idOrNew = (id: unknown) => (typeof id === 'string' && id.trim() ? id.trim() : randomUUID());

/**
 * Admin configuration. A saved policy or calendar is an event; the worker then recomputes the due
 * times of open tickets from it (the sla-recompute job).
 */
@Injectable()
export class SlaConfigService {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projection: SlaConfigProjection,
    private readonly queries: SlaConfigQueries,
  ) {}

  /**
   * Creates or replaces a policy; channels and segments not given keep their value (the contract's
   * UpsertSlaPolicyInput predates both: a client that does not know them does not erase them).
   */
  upsertPolicy(principal: Principal, input: PolicyInput): Promise<CommandResult<SlaPolicy>> {
    const id = idOrNew(input.id);
    return this.commands.transaction({}, async (tx) => {
      const current = await this.queries.policy(tx, id);
      const channels = input.channels ?? current?.channels ?? [];
      const segments = input.segments ?? current?.segments ?? [];
      return this.upsertPolicyIn(tx, principal, { ...input, id, channels, segments });
    });
  }

  /** Limits a policy to some channels (the contract's UpsertSlaPolicyInput has no channels field). */
  setPolicyChannels(principal: Principal, id: string, channels: unknown): Promise<CommandResult<SlaPolicy>> {
    return this.commands.transaction({}, async (tx) => {
      if (actorFromPrincipal(principal).role !== 'admin')
        throw DomainError.forbidden('Only admins configure SLA policies.');
      const current = await this.queries.policy(tx, id);
      if (!current) throw DomainError.notFound('SLA policy', id);
      return this.upsertPolicyIn(tx, principal, { ...current, channels });
    });
  }

  upsertCalendar(principal: Principal, input: CalendarInput): Promise<CommandResult<BusinessCalendar>> {
    const id = idOrNew(input.id);
    const actor = actorFromPrincipal(principal);
    return this.commands.transaction({}, (tx) =>
      this.commands.handleIn(tx, {
        streamType: BUSINESS_CALENDAR_STREAM_TYPE,
        streamId: calendarStreamId(id),
        decider: calDecider,
        command: this.commands.stamp<UpsertBusinessCalendar>(principal, {
          type: 'UpsertBusinessCalendar',
          data: { ...input, id },
        }),
        authorize: () => {
          if (actor.role !== 'admin')
            throw DomainError.forbidden('Only admins configure business calendars.');
        },
        project: (t, events) => this.projection.apply(t, events),
        respond: async (t) => (await this.queries.calendar(t, id))!,
      }),
    );
  }

  private upsertPolicyIn(
    tx: Tx,
    principal: Principal,
    input: PolicyInput & { id: string; channels: unknown },
  ): Promise<SlaPolicy> {
    const id = input.id;
    const actor = actorFromPrincipal(principal);
    return this.commands.handleIn(tx, {
      streamType: SLA_POLICY_STREAM_TYPE,
      streamId: slaPolicyStreamId(id),
      decider: policyDecider,
      command: this.commands.stamp<UpsertSlaPolicy>(principal, {
        type: 'UpsertSlaPolicy',
        data: { ...input, id },
      }),
      authorize: () => {
        if (actor.role !== 'admin') throw DomainError.forbidden('Only admins configure SLA policies.');
      },
      project: async (t, events) => {
        // The calendar is another stream: checked here, before the transaction commits.
        const calendarId = (events[0]?.data as SlaPolicy | undefined)?.calendarId;
        if (calendarId && !(await this.queries.calendar(t, calendarId)))
          throw DomainError.validation([
            { field: 'calendarId', message: `no business calendar ${calendarId}` },
          ]);
        await this.projection.apply(t, events);
      },
      respond: async (t) => (await this.queries.policy(t, id))!,
    });
  }
}
