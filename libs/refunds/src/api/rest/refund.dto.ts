import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { CustomerDto, TransactionDto } from '@kefu/tickets';
import { PAYOUT_RESULTS, PayoutResult, REFUND_STATUSES, RefundStatus } from '../../domain/refund.types';
import { RefundView } from '../../application/refund-view';

export class CreateRefundDto {
  @ApiPropertyOptional({ description: 'The ticket to link; a `refund` ticket is opened when absent' })
  @IsOptional()
  @IsUUID()
  ticketId?: string;

  @ApiPropertyOptional({
    type: CustomerDto,
    description: "Required unless ticketId is given (then the ticket's)",
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => CustomerDto)
  customer?: CustomerDto;

  @ApiProperty({
    type: TransactionDto,
    description: 'occurredAt is required: the refund window counts from it',
  })
  @ValidateNested()
  @Type(() => TransactionDto)
  transaction!: TransactionDto;

  @ApiProperty({ description: 'Integer minor units, at most the transaction amount', example: 3000 })
  @IsInt()
  amount!: number;

  @ApiProperty({ example: 'Charged twice for the same order' })
  @IsString()
  @MaxLength(2000)
  reason!: string;
}

export class PayoutResultDto {
  @ApiProperty({ enum: PAYOUT_RESULTS })
  @IsIn(PAYOUT_RESULTS)
  status!: PayoutResult;

  @ApiProperty({
    description: "The payments core's payout reference; the same report twice is a no-op",
    example: 'po-7781',
  })
  @IsString()
  @MaxLength(200)
  reference!: string;

  @ApiPropertyOptional({ example: 'destination card closed' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  failureReason?: string;
}

class RefundAuthorResource {
  @ApiProperty({ enum: ['customer', 'agent', 'partner', 'system'] }) kind!: string;
  @ApiProperty() id!: string;
  @ApiPropertyOptional() name?: string;
}

class RefundTransactionResource {
  @ApiProperty() id!: string;
  @ApiProperty() amount!: number;
  @ApiProperty() currency!: string;
  @ApiPropertyOptional({ format: 'date-time' }) occurredAt?: string;
  @ApiPropertyOptional() merchantId?: string;
}

export class RefundResource {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Set when a dispute decision created it',
  })
  disputeId!: string | null;
  @ApiProperty({ enum: REFUND_STATUSES }) status!: RefundStatus;
  @ApiProperty({ description: 'The wallet account id' }) customerId!: string;
  @ApiProperty({ type: RefundTransactionResource }) transaction!: RefundTransactionResource;
  @ApiProperty() amount!: number;
  @ApiProperty() currency!: string;
  @ApiProperty() reason!: string;
  @ApiProperty() requiresSeniorApproval!: boolean;
  @ApiProperty({ type: RefundAuthorResource }) requestedBy!: RefundAuthorResource;
  @ApiProperty({ type: RefundAuthorResource, nullable: true }) approvedBy!: RefundAuthorResource | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the payout is promised',
  })
  expectedBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) payoutReference!: string | null;
  @ApiProperty({ type: String, nullable: true }) failureReason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() version!: number;
}

export function toRefundResource(r: RefundView): RefundResource {
  return {
    id: r.id,
    ticketId: r.ticketId,
    disputeId: r.disputeId,
    status: r.status,
    customerId: r.customer.id,
    transaction: r.transaction,
    amount: r.amount,
    currency: r.currency,
    reason: r.reason,
    requiresSeniorApproval: r.requiresSeniorApproval,
    requestedBy: r.requestedBy,
    approvedBy: r.approvedBy,
    expectedBy: r.expectedBy,
    payoutReference: r.payoutReference,
    failureReason: r.failureReason,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    version: r.version,
  };
}
