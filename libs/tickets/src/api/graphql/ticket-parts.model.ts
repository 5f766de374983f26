import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { AuthorKind } from '../../domain/ticket.types';
import { GqlAuthorKind } from './ticket-enums.model';

// The small value types of the contract that tickets (and later disputes, refunds) share.

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
