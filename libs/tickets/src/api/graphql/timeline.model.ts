import { Field, ObjectType } from '@nestjs/graphql';
import { JSONScalar, PageInfoModel } from '@kefu/platform';
import { AuthorModel } from './ticket-parts.model';

@ObjectType('TimelineEntry', { description: "One event of the ticket's history, oldest first." })
export class TimelineEntryModel {
  @Field(() => String, { description: "The event's position in the ticket's stream (1, 2, …), as a string." })
  position!: string;

  @Field(() => String, { description: 'The event type, e.g. TicketOpened, PublicReplyAdded.' })
  type!: string;

  @Field(() => Date)
  occurredAt!: Date;

  @Field(() => AuthorModel, { nullable: true, description: 'Who caused it, when recorded.' })
  actor!: AuthorModel | null;

  @Field(() => JSONScalar)
  data!: unknown;
}

@ObjectType('TimelineEdge')
export class TimelineEdgeModel {
  @Field(() => String)
  cursor!: string;

  @Field(() => TimelineEntryModel)
  node!: TimelineEntryModel;
}

@ObjectType('TimelineConnection')
export class TimelineConnectionModel {
  @Field(() => [TimelineEdgeModel])
  edges!: TimelineEdgeModel[];

  @Field(() => PageInfoModel)
  pageInfo!: PageInfoModel;
}
