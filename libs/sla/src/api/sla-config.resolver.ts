import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CurrentPrincipal, Principal, Roles } from '@kefu/platform';
import { STAFF_ROLES } from '@kefu/kernel';
import { SlaConfigQueries } from '../application/sla-config.queries';
import { SlaConfigService } from '../application/sla-config.service';
import {
  BusinessCalendarModel,
  SetSlaPolicyChannelsInput,
  SlaPolicyModel,
  UpsertBusinessCalendarInput,
  UpsertSlaPolicyInput,
  toCalendarModel,
  toPolicyModel,
} from './sla-config.model';

/** SLA configuration: staff read it, admins change it. */
@Resolver()
export class SlaConfigResolver {
  constructor(
    private readonly service: SlaConfigService,
    private readonly queries: SlaConfigQueries,
  ) {}

  @Roles(...STAFF_ROLES)
  @Query(() => [SlaPolicyModel], { description: 'SLA policies (staff only), by id.' })
  async slaPolicies(): Promise<SlaPolicyModel[]> {
    return (await this.queries.config()).policies.map(toPolicyModel);
  }

  @Roles(...STAFF_ROLES)
  @Query(() => [BusinessCalendarModel], { description: 'Business calendars (staff only), by id.' })
  async businessCalendars(): Promise<BusinessCalendarModel[]> {
    return (await this.queries.config()).calendars.map(toCalendarModel);
  }

  @Roles('admin')
  @Mutation(() => SlaPolicyModel, {
    description: 'Creates or replaces an SLA policy; open tickets get new due times from it.',
  })
  async upsertSlaPolicy(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: UpsertSlaPolicyInput,
  ): Promise<SlaPolicyModel> {
    const r = await this.service.upsertPolicy(p, {
      id: input.id,
      name: input.name,
      priority: input.priority,
      categories: input.categories,
      ...(input.segments ? { segments: input.segments } : {}),
      firstResponseSeconds: input.firstResponseSeconds,
      nextResponseSeconds: input.nextResponseSeconds,
      resolutionSeconds: input.resolutionSeconds,
      calendarId: input.calendarId,
      warningRatio: input.warningRatio,
    });
    return toPolicyModel(r.result);
  }

  @Roles('admin')
  @Mutation(() => SlaPolicyModel, {
    description:
      'Limits a policy to tickets from these channels (empty: every channel); a policy naming channels wins over one without.',
  })
  async setSlaPolicyChannels(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: SetSlaPolicyChannelsInput,
  ): Promise<SlaPolicyModel> {
    return toPolicyModel((await this.service.setPolicyChannels(p, input.policyId, input.channels)).result);
  }

  @Roles('admin')
  @Mutation(() => BusinessCalendarModel, {
    description: 'Creates or replaces a business calendar; open tickets under it get new due times.',
  })
  async upsertBusinessCalendar(
    @CurrentPrincipal() p: Principal,
    @Args('input') input: UpsertBusinessCalendarInput,
  ): Promise<BusinessCalendarModel> {
    const r = await this.service.upsertCalendar(p, {
      id: input.id,
      name: input.name,
      timeZone: input.timeZone,
      hours: input.hours.map((h) => ({ weekday: h.weekday, opens: h.opens, closes: h.closes })),
      holidays: input.holidays,
    });
    return toCalendarModel(r.result);
  }
}
