import { Field, ID, ObjectType } from '@nestjs/graphql';
import { NodeModel, PageInfoModel } from '@kefu/platform';
import { Visibility } from '../../domain/ticket.types';
import { GqlMessageVisibility } from './ticket-enums.model';
import { AttachmentModel, AuthorModel } from './ticket-parts.model';

@ObjectType('Message', { implements: () => [NodeModel] })
export class MessageModel implements NodeModel {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  body!: string;

  @Field(() => GqlMessageVisibility)
  visibility!: Visibility;

  @Field(() => AuthorModel)
  author!: AuthorModel;

  @Field(() => [AttachmentModel])
  attachments!: AttachmentModel[];

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType('MessageEdge')
export class MessageEdgeModel {
  @Field(() => String)
  cursor!: string;

  @Field(() => MessageModel)
  node!: MessageModel;
}

@ObjectType('MessageConnection')
export class MessageConnectionModel {
  @Field(() => [MessageEdgeModel])
  edges!: MessageEdgeModel[];

  @Field(() => PageInfoModel)
  pageInfo!: PageInfoModel;

  /** Not a field: totalCount is counted only when selected (connection.resolver.ts). */
  count!: () => Promise<number>;
}
