import { IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { CustomerInput, TransactionInput } from '@kefu/platform';

@InputType('RequestRefundInput')
export class RequestRefundInput {
  @IsOptional()
  @IsString()
  @Field(() => ID, { nullable: true, description: 'Default: a new refund ticket.' })
  ticketId?: string | null;
  @IsOptional()
  @ValidateNested()
  @Type(() => CustomerInput)
  @Field(() => CustomerInput, { nullable: true, description: 'Customers: their own account (default).' })
  customer?: CustomerInput | null;
  @ValidateNested()
  @Type(() => TransactionInput)
  @Field(() => TransactionInput, { description: 'occurredAt is required: the refund window counts from it.' })
  transaction!: TransactionInput;
  @IsInt() @Field(() => Int) amount!: number;
  @IsString() @Field(() => String) reason!: string;
}

@InputType('ApproveRefundInput')
export class ApproveRefundInput {
  @IsString() @Field(() => ID) refundId!: string;
  @IsOptional() @IsInt() @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
}

@InputType('StartRefundReviewInput')
export class StartRefundReviewInput {
  @IsString() @Field(() => ID) refundId!: string;
  @IsOptional() @IsInt() @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
}

@InputType('RejectRefundInput')
export class RejectRefundInput {
  @IsString() @Field(() => ID) refundId!: string;
  @IsString() @Field(() => String) reason!: string;
  @IsOptional() @IsInt() @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
}

@InputType('CancelRefundInput')
export class CancelRefundInput {
  @IsString() @Field(() => ID) refundId!: string;
  @IsOptional() @IsString() @Field(() => String, { nullable: true }) reason?: string | null;
}
