import { Injectable } from '@nestjs/common';
import { CommandResult, CommandRunner, Decider, DomainError, DomainEvent, Principal } from '@kefu/platform';
import { actorFromPrincipal, translateRuleError } from '@kefu/tickets/application/actor';
import { randomUUID } from 'node:crypto';
import {
  BUSINESS_CALENDAR_STREAM_TYPE,
  BusinessCalendar,
  SLA_POLICY_STREAM_TYPE,
  SlaPolicy,
  calendarDecider,
  calendarStreamId,
  slaPolicyDecider,
  slaPolicyStreamId,
} from '../domain/sla-config';
import { SlaConfigProjection } from '../projections/sla-config.projection';
import { SlaConfigQueries } from './sla-config.queries';

function translated<S, C, E extends DomainEvent>(d: Decider<S, C, E>): Decider<S, C, E> {
  return {
    ...d,
    decide: (c, s) => {
      try {
        return d.decide(c, s);
      } catch (e) {
        throw translateRuleError(e);
      }
    },
  };
}

const policyDecider = translated(slaPolicyDecider);
const calDecider = translated(calendarDecider);

export type PolicyInput = Omit<Record<keyof SlaPolicy, unknown>, 'id'> & { id?: string | null };
export type CalendarInput = Omit<Record<keyof BusinessCalendar, unknown>, 'id'> & { id?: string | null };

/**
 * Admin configuration. A saved policy or calendar is an event; the worker then recomputes the due
 * times of open tickets from it (see SlaRecomputeJob).
 */
@Injectable()
export class SlaConfigService {
  constructor(
    private readonly commands: CommandRunner,
    private readonly projection: SlaConfigProjection,
    private readonly queries: SlaConfigQueries,
  ) {}

  upsertPolicy(principal: Principal, input: PolicyInput): Promise<CommandResult<SlaPolicy>> {
    const id = typeof input.id === 'string' && input.id.trim() ? input.id.trim() : randomUUID();
    const actor = actorFromPrincipal(principal);
    return this.commands.transaction({}, (tx) =>
      this.commands.handleIn(tx, {
        streamType: SLA_POLICY_STREAM_TYPE,
        streamId: slaPolicyStreamId(id),
        decider: policyDecider,
        command: { type: 'UpsertSlaPolicy', actor, now: new Date().toISOString(), data: { ...input, id } },
        authorize: () => {
          if (actor.role !== 'admin') throw DomainError.forbidden('Only admins configure SLA policies.');
        },
        project: async (t, events) => {
          const calendarId = (events[0]?.data as SlaPolicy | undefined)?.calendarId;
          if (calendarId && !(await this.queries.calendar(t, calendarId)))
            throw DomainError.validation([
              { field: 'calendarId', message: `no business calendar ${calendarId}` },
            ]);
          await this.projection.apply(t, events);
        },
        respond: async (t) => (await this.queries.policy(t, id))!,
      }),
    );
  }

  upsertCalendar(principal: Principal, input: CalendarInput): Promise<CommandResult<BusinessCalendar>> {
    const id = typeof input.id === 'string' && input.id.trim() ? input.id.trim() : randomUUID();
    const actor = actorFromPrincipal(principal);
    return this.commands.transaction({}, (tx) =>
      this.commands.handleIn(tx, {
        streamType: BUSINESS_CALENDAR_STREAM_TYPE,
        streamId: calendarStreamId(id),
        decider: calDecider,
        command: {
          type: 'UpsertBusinessCalendar',
          actor,
          now: new Date().toISOString(),
          data: { ...input, id },
        },
        authorize: () => {
          if (actor.role !== 'admin')
            throw DomainError.forbidden('Only admins configure business calendars.');
        },
        project: (t, events) => this.projection.apply(t, events),
        respond: async (t) => (await this.queries.calendar(t, id))!,
      }),
    );
  }
}
