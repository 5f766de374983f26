import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { AuthorKind } from '../../domain/ticket.types';
import { GqlAuthorKind } from './ticket-enums.model';

// The small value types of the contract that tickets (and later disputes, refunds) share.

@ObjectType('PageInfo')
export class PageInfoModel {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'true when the page was asked for `after` a cursor.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

@ObjectType('Author')
export class AuthorModel {
  @Field(() => GqlAuthorKind)
  kind!: AuthorKind;

  @Field(() => ID, { nullable: true })
  id!: string | null;

  @Field(() => String, { nullable: true })
  name!: string | null;
}

@ObjectType('Attachment', { description: 'A reference to a stored file; Kefu never holds the bytes.' })
export class AttachmentModel {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  contentType!: string;

  @Field(() => Int, { description: 'bytes' })
  size!: number;

  @Field(() => String)
  url!: string;

  @Field(() => String, { nullable: true })
  sha256!: string | null;
}

@ObjectType('CustomerRef', { description: 'The wallet account; name, email and phone are personal data.' })
export class CustomerRefModel {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true })
  phone!: string | null;
}

@ObjectType('TransactionRef')
export class TransactionRefModel {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'Integer minor units (1050 = 10.50).' })
  amount!: number;

  @Field(() => String, { description: 'ISO 4217' })
  currency!: string;

  @Field(() => Date, { nullable: true })
  occurredAt!: Date | null;

  @Field(() => String, { nullable: true })
  merchantId!: string | null;
}
