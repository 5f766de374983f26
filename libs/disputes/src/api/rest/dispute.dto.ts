import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { AttachmentDto, CustomerDto, TransactionDto } from '@kefu/tickets';
import { DisputeView } from '../../application/dispute-view';
import { DISPUTE_OUTCOMES, DISPUTE_STATUSES, DisputeParty, DisputeStatus } from '../../domain/dispute.types';

export class CreateDisputeDto {
  @ApiPropertyOptional({
    description: 'The ticket to link; a transaction_dispute ticket is opened when absent',
  })
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

  @ApiProperty({ type: TransactionDto, description: 'merchantId is required: the merchant answers' })
  @ValidateNested()
  @Type(() => TransactionDto)
  transaction!: TransactionDto;

  @ApiProperty({ example: 'Paid but the goods never arrived' })
  @IsString()
  @MaxLength(2000)
  reason!: string;

  @ApiProperty({ description: 'Integer minor units, at most the transaction amount', example: 8000 })
  @IsInt()
  claimedAmount!: number;
}

/** REST evidence comes from the customer or the merchant; agents add theirs over GraphQL. */
export class CreateEvidenceDto {
  @ApiProperty({ enum: ['customer', 'merchant'] })
  @IsIn(['customer', 'merchant'])
  party!: Exclude<DisputeParty, 'agent'>;

  @ApiProperty({ example: 'delivery_proof', description: 'receipt, chat_log, delivery_proof, statement…' })
  @IsString()
  @MaxLength(100)
  kind!: string;

  @ApiProperty({ example: 'Courier confirmation, signed by the customer' })
  @IsString()
  @MaxLength(5000)
  description!: string;

  @ApiPropertyOptional({ type: [AttachmentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];
}

class EvidenceResource {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['customer', 'merchant', 'agent'] }) party!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [AttachmentDto] }) attachments!: AttachmentDto[];
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
}

class DisputeTransactionResource {
  @ApiProperty() id!: string;
  @ApiProperty() amount!: number;
  @ApiProperty() currency!: string;
  @ApiPropertyOptional() merchantId?: string;
  @ApiPropertyOptional({ format: 'date-time' }) occurredAt?: string;
}

export class DisputeResource {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) ticketId!: string;
  @ApiProperty({ enum: DISPUTE_STATUSES }) status!: DisputeStatus;
  @ApiProperty() customerId!: string;
  @ApiProperty({ type: DisputeTransactionResource }) transaction!: DisputeTransactionResource;
  @ApiProperty() reason!: string;
  @ApiProperty() claimedAmount!: number;
  @ApiProperty({ type: 'integer', nullable: true }) awardedAmount!: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) merchantResponseDueAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) customerEvidenceDueAt!: string | null;
  @ApiProperty() merchantResponded!: boolean;
  @ApiProperty({ type: [EvidenceResource] }) evidence!: EvidenceResource[];
  @ApiProperty({ type: String, enum: DISPUTE_OUTCOMES, nullable: true }) outcome!: string | null;
  @ApiProperty({ type: String, nullable: true }) rationale!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The refund the award created' })
  refundId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() version!: number;
}

export function toDisputeResource(d: DisputeView): DisputeResource {
  return {
    id: d.id,
    ticketId: d.ticketId,
    status: d.status,
    customerId: d.customer.id,
    transaction: d.transaction,
    reason: d.reason,
    claimedAmount: d.claimedAmount,
    awardedAmount: d.awardedAmount,
    merchantResponseDueAt: d.merchantResponseDueAt,
    customerEvidenceDueAt: d.customerEvidenceDueAt,
    merchantResponded: d.merchantResponded,
    evidence: d.evidence.map((e) => ({
      id: e.id,
      party: e.party,
      kind: e.kind,
      description: e.description,
      attachments: e.attachments,
      submittedAt: e.submittedAt,
    })),
    outcome: d.outcome,
    rationale: d.rationale,
    refundId: d.refundId,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    version: d.version,
  };
}
