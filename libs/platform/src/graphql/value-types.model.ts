import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsArray, IsDate, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { Category, Priority, Tier } from '@kefu/kernel';

// The contract's shared value types (ADR 0015): the kernel's category, priority and tier as GraphQL
// enums (UPPER_CASE names, the lower-case domain values inside), the customer and transaction
// references, and Relay's PageInfo. Tickets, disputes, refunds, recovery, SLA, agents and the
// answers all use them.

type Exactly<E extends string, D extends string> = [E] extends [D] ? ([D] extends [E] ? true : never) : never;
const checked = <E extends string, D extends string>(ok: Exactly<E, D>): Exactly<E, D> => ok;

export enum GqlTier {
  L1 = 'L1',
  L2 = 'L2',
  L3 = 'L3',
}
registerEnumType(GqlTier, { name: 'Tier', description: 'L1 front line, L2 senior agents, L3 supervisors.' });

export enum GqlPriority {
  LOW = 'low',
  NORMAL = 'normal',
  HIGH = 'high',
  URGENT = 'urgent',
}
registerEnumType(GqlPriority, { name: 'Priority' });

export enum GqlCategory {
  PAYMENT_FAILED = 'payment_failed',
  ACCOUNT_LOCKED = 'account_locked',
  ACCOUNT_STOLEN = 'account_stolen',
  PASSWORD_RESET = 'password_reset',
  TRANSACTION_DISPUTE = 'transaction_dispute',
  REFUND = 'refund',
  REFUND_NOT_RECEIVED = 'refund_not_received',
  ABNORMAL_CHARGE = 'abnormal_charge',
  CARD_UNBINDING = 'card_unbinding',
  CROSS_BORDER = 'cross_border',
  FEES = 'fees',
  PRIVACY = 'privacy',
  TECHNICAL = 'technical',
  FEATURE_QUESTION = 'feature_question',
  COMPLAINT = 'complaint',
  OTHER = 'other',
}
registerEnumType(GqlCategory, { name: 'Category' });

// Each `satisfies`-style check keeps an enum in step with the kernel's list (a value added on one
// side and not the other fails to compile).
export const VALUE_ENUMS_MATCH_KERNEL = [
  checked<`${GqlTier}`, Tier>(true),
  checked<`${GqlPriority}`, Priority>(true),
  checked<`${GqlCategory}`, Category>(true),
] as const;

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

@InputType('CustomerInput')
export class CustomerInput {
  @Field(() => ID)
  @IsString()
  @MaxLength(200)
  id!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  phone?: string | null;

  @Field(() => [String], {
    nullable: true,
    description:
      "Staff and partners: the customer's segments (e.g. vip), added to those an admin set. Not for customers.",
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  segments?: string[] | null;
}

@InputType('TransactionInput')
export class TransactionInput {
  @Field(() => ID)
  @IsString()
  @MaxLength(200)
  id!: string;

  @Field(() => Int, { description: 'Integer minor units (1050 = 10.50).' })
  @IsInt()
  @Min(0)
  amount!: number;

  @Field(() => String, { description: 'ISO 4217' })
  @IsString()
  currency!: string;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @IsDate()
  occurredAt?: Date | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  merchantId?: string | null;
}
