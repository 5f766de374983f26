import { IsArray, IsIn, IsOptional, IsString } from 'class-validator';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { NodeModel, PageInfoModel, TransactionRefModel } from '@kefu/platform';
import { AuthorModel } from '@kefu/tickets';
import { RefundView } from '../../application/refund-view';
import { REFUND_STATUSES, RefundStatus } from '../../domain/refund.types';

export enum GqlRefundStatus {
  REQUESTED = 'requested',
  UNDER_REVIEW = 'under_review',
  APPROVED = 'approved',
  PROCESSING = 'processing',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
  REJECTED = 'rejected',
  CANCELED = 'canceled',
}
registerEnumType(GqlRefundStatus, { name: 'RefundStatus' });
// Keeps the enum in step with the domain list.
const _statuses: Record<RefundStatus, true> = Object.fromEntries(
  REFUND_STATUSES.map((s) => [s, true]),
) as Record<RefundStatus, true>;
void _statuses;

@ObjectType('Refund', { implements: () => [NodeModel] })
export class RefundModel implements NodeModel {
  @Field(() => ID) id!: string;
  @Field(() => GqlRefundStatus) status!: RefundStatus;
  @Field(() => TransactionRefModel) transaction!: TransactionRefModel;
  @Field(() => Int, { description: 'Integer minor units.' }) amount!: number;
  @Field(() => String) currency!: string;
  @Field(() => String) reason!: string;
  @Field(() => Boolean, { description: 'Above the threshold: a senior agent, not the requester, approves.' })
  requiresSeniorApproval!: boolean;
  @Field(() => AuthorModel, { nullable: true }) requestedBy!: AuthorModel | null;
  @Field(() => AuthorModel, { nullable: true }) approvedBy!: AuthorModel | null;
  @Field(() => Date, { nullable: true, description: 'When the payout is promised.' })
  expectedBy!: Date | null;
  @Field(() => String, { nullable: true }) payoutReference!: string | null;
  @Field(() => String, { nullable: true }) failureReason!: string | null;
  @Field(() => ID, { nullable: true, description: 'The dispute whose decision created this refund.' })
  disputeId!: string | null;
  @Field(() => ID, {
    nullable: true,
    description: 'The refund_not_received follow-up ticket, once the payout is overdue.',
  })
  followUpTicketId!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  @Field(() => Int) version!: number;

  /** Not a field: resolved to Ticket by the field resolver. */
  ticketId!: string;
}

@ObjectType('RefundEdge')
export class RefundEdgeModel {
  @Field(() => String) cursor!: string;
  @Field(() => RefundModel) node!: RefundModel;
}

@ObjectType('RefundConnection')
export class RefundConnectionModel {
  @Field(() => [RefundEdgeModel]) edges!: RefundEdgeModel[];
  @Field(() => PageInfoModel) pageInfo!: PageInfoModel;
  @Field(() => Int) totalCount!: number;
}

@InputType('RefundFilter')
export class RefundFilterInput {
  @IsOptional()
  @IsArray()
  @IsIn(Object.values(GqlRefundStatus), { each: true })
  @Field(() => [GqlRefundStatus], { nullable: true })
  status?: RefundStatus[] | null;
  @IsOptional() @IsString() @Field(() => ID, { nullable: true }) customerId?: string | null;
  @IsOptional() @IsString() @Field(() => ID, { nullable: true }) transactionId?: string | null;
}

export function toRefundModel(r: RefundView): RefundModel {
  const author = (a: RefundView['requestedBy'] | null) =>
    a ? { kind: a.kind, id: a.id, name: a.name ?? null } : null;
  return Object.assign(new RefundModel(), {
    id: r.id,
    ticketId: r.ticketId,
    status: r.status,
    transaction: {
      id: r.transaction.id,
      amount: r.transaction.amount,
      currency: r.transaction.currency,
      occurredAt: r.transaction.occurredAt ? new Date(r.transaction.occurredAt) : null,
      merchantId: r.transaction.merchantId ?? null,
    },
    amount: r.amount,
    currency: r.currency,
    reason: r.reason,
    requiresSeniorApproval: r.requiresSeniorApproval,
    requestedBy: author(r.requestedBy),
    approvedBy: author(r.approvedBy),
    expectedBy: r.expectedBy ? new Date(r.expectedBy) : null,
    payoutReference: r.payoutReference,
    failureReason: r.failureReason,
    disputeId: r.disputeId,
    followUpTicketId: r.followUpTicketId,
    createdAt: new Date(r.createdAt),
    updatedAt: new Date(r.updatedAt),
    version: r.version,
  });
}
