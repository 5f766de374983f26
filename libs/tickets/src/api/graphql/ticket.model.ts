import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import {
  GraphqlChannel,
  NodeModel,
  StoredEvent,
  GqlCategory,
  GqlPriority,
  GqlTier,
  CustomerRefModel,
  PageInfoModel,
  TransactionRefModel,
} from '@kefu/platform';
import { Category, Channel, Priority, Tier } from '@kefu/kernel';
import { TicketStatus } from '../../domain/ticket.types';
import { SlaTargetView } from '../../application/ticket-view';
import { GqlSlaTargetStatus, GqlTicketStatus } from './ticket-enums.model';

@ObjectType('SlaTarget')
export class SlaTargetModel {
  @Field(() => Date, { nullable: true })
  dueAt!: Date | null;

  @Field(() => GqlSlaTargetStatus)
  status!: SlaTargetView['status'];

  @Field(() => Date, { nullable: true })
  metAt!: Date | null;

  @Field(() => Date, { nullable: true })
  breachedAt!: Date | null;
}

@ObjectType('TicketSla', { description: 'The SLA clocks; targets are null until a policy applies.' })
export class TicketSlaModel {
  @Field(() => ID, { nullable: true })
  policyId!: string | null;

  @Field(() => SlaTargetModel, { nullable: true })
  firstResponse!: SlaTargetModel | null;

  @Field(() => SlaTargetModel, { nullable: true })
  nextResponse!: SlaTargetModel | null;

  @Field(() => SlaTargetModel, { nullable: true })
  resolution!: SlaTargetModel | null;
}

/**
 * A ticket as GraphQL shows it, mapped from the read model (TicketView) or, for `asOf`, from the
 * ticket's events. `messages` and `timeline` are field resolvers (ticket-fields.resolver.ts);
 * `assignee` is added by the agents module, which owns the Agent type.
 */
@ObjectType('Ticket', { implements: () => [NodeModel] })
export class TicketModel implements NodeModel {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'The human number, KF-000123.' })
  number!: string;

  @Field(() => String)
  subject!: string;

  @Field(() => String)
  description!: string;

  @Field(() => GqlCategory)
  category!: Category;

  @Field(() => GqlPriority)
  priority!: Priority;

  @Field(() => GqlTicketStatus)
  status!: TicketStatus;

  @Field(() => GraphqlChannel)
  channel!: Channel;

  @Field(() => String, { description: 'BCP 47' })
  language!: string;

  @Field(() => CustomerRefModel)
  customer!: CustomerRefModel;

  @Field(() => TransactionRefModel, { nullable: true })
  transaction!: TransactionRefModel | null;

  @Field(() => [String])
  tags!: string[];

  @Field(() => [String], {
    description:
      "The customer's segments (e.g. vip) when the ticket opened: given by the partner or set by an admin.",
  })
  segments!: string[];

  @Field(() => Boolean, {
    description: 'A VIP customer: queues (orderBy QUEUE) put the ticket first in its priority band.',
  })
  vip!: boolean;

  @Field(() => GqlTier)
  tier!: Tier;

  @Field(() => Int, { description: '0 at L1, 1 at L2, 2 at L3.' })
  escalationLevel!: number;

  @Field(() => TicketSlaModel)
  sla!: TicketSlaModel;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => Int, {
    description:
      'Moves with every change a person or a business rule makes (not with SLA timers or routing); pass it as expectedVersion.',
  })
  version!: number;

  /** Not a GraphQL field: the assignee's id, resolved to an Agent by the agents module. */
  assigneeId!: string | null;

  /** Not a GraphQL field: set when the ticket was rebuilt `asOf` a time (its events up to then). */
  history?: StoredEvent[];
}

@ObjectType('TicketEdge')
export class TicketEdgeModel {
  @Field(() => String)
  cursor!: string;

  @Field(() => TicketModel)
  node!: TicketModel;
}

@ObjectType('TicketConnection')
export class TicketConnectionModel {
  @Field(() => [TicketEdgeModel])
  edges!: TicketEdgeModel[];

  @Field(() => PageInfoModel)
  pageInfo!: PageInfoModel;

  /** Not a field: totalCount is counted only when selected (connection.resolver.ts). */
  count!: () => Promise<number>;
}
