import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { CustomerInput, TransactionInput } from '@kefu/tickets/api/graphql';

@InputType('RequestRefundInput')
export class RequestRefundInput {
  @Field(() => ID, { nullable: true, description: 'Default: a new refund ticket.' }) ticketId?: string | null;
  @Field(() => CustomerInput, { nullable: true, description: 'Customers: their own account (default).' })
  customer?: CustomerInput | null;
  @Field(() => TransactionInput, { description: 'occurredAt is required: the refund window counts from it.' })
  transaction!: TransactionInput;
  @Field(() => Int) amount!: number;
  @Field(() => String) reason!: string;
}

@InputType('ApproveRefundInput')
export class ApproveRefundInput {
  @Field(() => ID) refundId!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
}

@InputType('StartRefundReviewInput')
export class StartRefundReviewInput {
  @Field(() => ID) refundId!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
}

@InputType('RejectRefundInput')
export class RejectRefundInput {
  @Field(() => ID) refundId!: string;
  @Field(() => String) reason!: string;
  @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
}

@InputType('CancelRefundInput')
export class CancelRefundInput {
  @Field(() => ID) refundId!: string;
  @Field(() => String, { nullable: true }) reason?: string | null;
}
