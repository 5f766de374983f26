import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  CustomerInput,
  GraphqlChannel,
  GqlCategory,
  GqlPriority,
  GqlTier,
  TransactionInput,
} from '@kefu/platform';
import { TicketOrderField } from '../../application/ticket-queries';
import { CATEGORIES, CHANNELS, Category, Channel, PRIORITIES, Priority, TIERS, Tier } from '@kefu/kernel';
import { SETTABLE_STATUSES, SettableStatus, TICKET_STATUSES, TicketStatus } from '../../domain/ticket.types';
import {
  GqlOrderDirection,
  GqlSettableTicketStatus,
  GqlTicketOrderField,
  GqlTicketStatus,
} from './ticket-enums.model';

// Every field carries class-validator decorators: the global ValidationPipe forbids undecorated
// fields. Structure and enums are checked here; the domain checks meaning (lengths, formats).

const ORDER_FIELDS: readonly TicketOrderField[] = ['created_at', 'updated_at', 'priority', 'next_sla_due_at'];
const LIST_MAX = 20;

@InputType('TicketFilter')
export class TicketFilterInput {
  @Field(() => [GqlTicketStatus], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIST_MAX)
  @IsIn(TICKET_STATUSES, { each: true })
  status?: TicketStatus[] | null;

  @Field(() => [GqlPriority], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIST_MAX)
  @IsIn(PRIORITIES, { each: true })
  priority?: Priority[] | null;

  @Field(() => [GqlCategory], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIST_MAX)
  @IsIn(CATEGORIES, { each: true })
  category?: Category[] | null;

  @Field(() => [GraphqlChannel], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIST_MAX)
  @IsIn(CHANNELS, { each: true })
  channel?: Channel[] | null;

  @Field(() => [GqlTier], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIST_MAX)
  @IsIn(TIERS, { each: true })
  tier?: Tier[] | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  assigneeId?: string | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  unassigned?: boolean | null;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  customerId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  tag?: string | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  slaBreached?: boolean | null;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @IsDate()
  slaDueBefore?: Date | null;

  @Field(() => String, { nullable: true, description: 'Substring of number, subject or description.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  text?: string | null;
}

// Both fields are non-null in GraphQL; @IsOptional only lets `orderBy: null` through the pipe (which
// validates a missing argument as {}).
@InputType('TicketOrder')
export class TicketOrderInput {
  @Field(() => GqlTicketOrderField)
  @IsOptional()
  @IsIn(ORDER_FIELDS)
  field!: TicketOrderField;

  @Field(() => GqlOrderDirection)
  @IsOptional()
  @IsIn(['asc', 'desc'])
  direction!: 'asc' | 'desc';
}

@InputType('AttachmentInput')
export class AttachmentInput {
  @Field(() => String)
  @IsString()
  name!: string;

  @Field(() => String)
  @IsString()
  contentType!: string;

  @Field(() => Int, { description: 'bytes' })
  @IsInt()
  @Min(0)
  size!: number;

  @Field(() => String)
  @IsString()
  url!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  sha256?: string | null;
}

@InputType('CreateTicketInput')
export class CreateTicketInput {
  @Field(() => String)
  @IsString()
  subject!: string;

  @Field(() => String)
  @IsString()
  description!: string;

  @Field(() => GqlCategory)
  @IsIn(CATEGORIES)
  category!: Category;

  @Field(() => GqlPriority, { nullable: true, description: 'Default: by category.' })
  @IsOptional()
  @IsIn(PRIORITIES)
  priority?: Priority | null;

  @Field(() => GraphqlChannel, { nullable: true, description: 'Default: WEB.' })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel | null;

  @Field(() => String, { nullable: true, description: 'BCP 47; default en.' })
  @IsOptional()
  @IsString()
  language?: string | null;

  @Field(() => CustomerInput, {
    nullable: true,
    description: 'Required, except for customers: their own account.',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => CustomerInput)
  customer?: CustomerInput | null;

  @Field(() => TransactionInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => TransactionInput)
  transaction?: TransactionInput | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  tags?: string[] | null;
}

/** The fields every mutation on an existing ticket takes. */
@InputType({ isAbstract: true })
abstract class TicketMutationInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'must be a ticket id' })
  ticketId!: string;

  @Field(() => Int, { nullable: true, description: 'The version you saw; VERSION_CONFLICT if it moved.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  expectedVersion?: number | null;
}

@InputType('ReplyToTicketInput')
export class ReplyToTicketInput extends TicketMutationInput {
  @Field(() => String)
  @IsString()
  body!: string;

  @Field(() => [AttachmentInput], { nullable: true })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AttachmentInput)
  attachments?: AttachmentInput[] | null;
}

@InputType('AddInternalNoteInput')
export class AddInternalNoteInput extends TicketMutationInput {
  @Field(() => String)
  @IsString()
  body!: string;
}

@InputType('AssignTicketInput')
export class AssignTicketInput extends TicketMutationInput {
  @Field(() => ID)
  @IsString()
  @MaxLength(200)
  agentId!: string;
}

@InputType('SetTicketStatusInput')
export class SetTicketStatusInput extends TicketMutationInput {
  @Field(() => GqlSettableTicketStatus)
  @IsIn(SETTABLE_STATUSES)
  status!: SettableStatus;
}

@InputType('EscalateTicketInput')
export class EscalateTicketInput extends TicketMutationInput {
  @Field(() => String)
  @IsString()
  reason!: string;
}

@InputType('TagTicketInput')
export class TagTicketInput extends TicketMutationInput {
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  add?: string[] | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  remove?: string[] | null;
}
