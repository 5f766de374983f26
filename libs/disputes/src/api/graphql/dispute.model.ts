import { IsArray, IsIn, IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  NodeModel,
  CustomerInput,
  PageInfoModel,
  TransactionInput,
  TransactionRefModel,
} from '@kefu/platform';
import { AttachmentInput, AttachmentModel } from '@kefu/tickets';
import { DisputeView } from '../../application/dispute-view';
import { DisputeOutcome, DisputeParty, DisputeStatus } from '../../domain/dispute.types';

export enum GqlDisputeStatus {
  OPEN = 'open',
  AWAITING_MERCHANT = 'awaiting_merchant',
  UNDER_REVIEW = 'under_review',
  WON = 'won',
  LOST = 'lost',
  WITHDRAWN = 'withdrawn',
  SETTLED = 'settled',
}
registerEnumType(GqlDisputeStatus, { name: 'DisputeStatus' });

export enum GqlDisputeOutcome {
  WON = 'won',
  LOST = 'lost',
  SETTLED = 'settled',
}
registerEnumType(GqlDisputeOutcome, { name: 'DisputeOutcome' });

export enum GqlDisputeParty {
  CUSTOMER = 'customer',
  MERCHANT = 'merchant',
  AGENT = 'agent',
}
registerEnumType(GqlDisputeParty, { name: 'DisputeParty' });

@ObjectType('Evidence')
export class EvidenceModel {
  @Field(() => ID) id!: string;
  @Field(() => GqlDisputeParty) party!: DisputeParty;
  @Field(() => String) kind!: string;
  @Field(() => String) description!: string;
  @Field(() => [AttachmentModel]) attachments!: AttachmentModel[];
  @Field(() => Date) submittedAt!: Date;
}

@ObjectType('Dispute', { implements: () => [NodeModel] })
export class DisputeModel implements NodeModel {
  @Field(() => ID) id!: string;
  @Field(() => GqlDisputeStatus) status!: DisputeStatus;
  @Field(() => TransactionRefModel) transaction!: TransactionRefModel;
  @Field(() => String) reason!: string;
  @Field(() => Int) claimedAmount!: number;
  @Field(() => Int, { nullable: true }) awardedAmount!: number | null;
  @Field(() => Date, { nullable: true }) merchantResponseDueAt!: Date | null;
  @Field(() => Date, { nullable: true, description: "When the customer's evidence window closes." })
  customerEvidenceDueAt!: Date | null;
  @Field(() => Boolean, {
    description: 'false when the merchant missed its deadline (or has not answered yet).',
  })
  merchantResponded!: boolean;
  @Field(() => [EvidenceModel]) evidence!: EvidenceModel[];
  @Field(() => GqlDisputeOutcome, { nullable: true }) outcome!: DisputeOutcome | null;
  @Field(() => String, { nullable: true }) rationale!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  @Field(() => Int) version!: number;

  /** Not fields: resolved to Ticket and Refund. */
  ticketId!: string;
  refundId!: string | null;
}

@ObjectType('DisputeEdge')
export class DisputeEdgeModel {
  @Field(() => String) cursor!: string;
  @Field(() => DisputeModel) node!: DisputeModel;
}

@ObjectType('DisputeConnection')
export class DisputeConnectionModel {
  @Field(() => [DisputeEdgeModel]) edges!: DisputeEdgeModel[];
  @Field(() => PageInfoModel) pageInfo!: PageInfoModel;
  @Field(() => Int) totalCount!: number;
}

@InputType('DisputeFilter')
export class DisputeFilterInput {
  @IsOptional()
  @IsArray()
  @IsIn(Object.values(GqlDisputeStatus), { each: true })
  @Field(() => [GqlDisputeStatus], { nullable: true })
  status?: DisputeStatus[] | null;
  @IsOptional() @IsString() @Field(() => ID, { nullable: true }) customerId?: string | null;
  @IsOptional() @IsString() @Field(() => ID, { nullable: true }) transactionId?: string | null;
}

@InputType('OpenDisputeInput')
export class OpenDisputeInput {
  @IsOptional()
  @IsString()
  @Field(() => ID, { nullable: true, description: 'Default: a new transaction_dispute ticket.' })
  ticketId?: string | null;
  @IsOptional()
  @ValidateNested()
  @Type(() => CustomerInput)
  @Field(() => CustomerInput, { nullable: true })
  customer?: CustomerInput | null;
  @ValidateNested()
  @Type(() => TransactionInput)
  @Field(() => TransactionInput, { description: 'merchantId is required.' })
  transaction!: TransactionInput;
  @IsString() @Field(() => String) reason!: string;
  @IsInt() @Field(() => Int) claimedAmount!: number;
}

@InputType('SubmitDisputeEvidenceInput')
export class SubmitDisputeEvidenceInput {
  @IsString() @Field(() => ID) disputeId!: string;
  @IsIn(Object.values(GqlDisputeParty)) @Field(() => GqlDisputeParty) party!: DisputeParty;
  @IsString() @Field(() => String) kind!: string;
  @IsString() @Field(() => String) description!: string;
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AttachmentInput)
  @Field(() => [AttachmentInput], { nullable: true })
  attachments?: AttachmentInput[] | null;
}

@InputType('DecideDisputeInput')
export class DecideDisputeInput {
  @IsString() @Field(() => ID) disputeId!: string;
  @IsIn(Object.values(GqlDisputeOutcome)) @Field(() => GqlDisputeOutcome) outcome!: DisputeOutcome;
  @IsOptional()
  @IsInt()
  @Field(() => Int, { nullable: true, description: 'WON: default the claimed amount. LOST: none.' })
  awardedAmount?: number | null;
  @IsString() @Field(() => String) rationale!: string;
  @IsOptional() @IsInt() @Field(() => Int, { nullable: true }) expectedVersion?: number | null;
}

@InputType('WithdrawDisputeInput')
export class WithdrawDisputeInput {
  @IsString() @Field(() => ID) disputeId!: string;
  @IsOptional() @IsString() @Field(() => String, { nullable: true }) reason?: string | null;
}

const date = (s: string | null | undefined) => (s ? new Date(s) : null);

export function toDisputeModel(d: DisputeView): DisputeModel {
  return Object.assign(new DisputeModel(), {
    id: d.id,
    ticketId: d.ticketId,
    refundId: d.refundId,
    status: d.status,
    transaction: {
      id: d.transaction.id,
      amount: d.transaction.amount,
      currency: d.transaction.currency,
      occurredAt: date(d.transaction.occurredAt),
      merchantId: d.transaction.merchantId ?? null,
    },
    reason: d.reason,
    claimedAmount: d.claimedAmount,
    awardedAmount: d.awardedAmount,
    merchantResponseDueAt: date(d.merchantResponseDueAt),
    customerEvidenceDueAt: date(d.customerEvidenceDueAt),
    merchantResponded: d.merchantResponded,
    evidence: d.evidence.map((e) => ({
      id: e.id,
      party: e.party,
      kind: e.kind,
      description: e.description,
      attachments: e.attachments.map((a) => ({ ...a, sha256: a.sha256 ?? null })),
      submittedAt: new Date(e.submittedAt),
    })),
    outcome: d.outcome,
    rationale: d.rationale,
    createdAt: new Date(d.createdAt),
    updatedAt: new Date(d.updatedAt),
    version: d.version,
  });
}
