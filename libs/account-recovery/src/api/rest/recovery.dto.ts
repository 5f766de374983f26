import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { RECOVERY_KINDS, RECOVERY_STATUSES, RecoveryKind, RecoveryStatus } from '../../domain/recovery.types';

// Structural checks here; the decider checks meaning (formats, lengths) with the same field paths.

export class RecoveryCustomerDto {
  @ApiProperty({ description: 'Wallet account id', example: 'acc-88231' })
  @IsString()
  @MaxLength(200)
  id!: string;

  @ApiPropertyOptional({ description: 'Personal data: stored encrypted, shown masked', example: 'Li Wei' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: 'Personal data: stored encrypted, shown masked' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({ description: 'Personal data: stored encrypted, shown masked' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;
}

export class OpenRecoveryCaseDto {
  @ApiProperty({ enum: RECOVERY_KINDS, description: '`stolen` freezes the account at once' })
  @IsIn(RECOVERY_KINDS)
  kind!: RecoveryKind;

  @ApiPropertyOptional({
    type: RecoveryCustomerDto,
    description: 'Required unless ticketId is given (then it is the ticket’s customer)',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => RecoveryCustomerDto)
  customer?: RecoveryCustomerDto;

  @ApiProperty({ example: 'My phone was stolen yesterday and someone changed my password.' })
  @IsString()
  @MaxLength(10_000)
  description!: string;

  @ApiPropertyOptional({ description: 'BCP 47', example: 'zh-CN' })
  @IsOptional()
  @IsString()
  @MaxLength(35)
  language?: string;

  @ApiPropertyOptional({
    description:
      "Link the customer's existing ticket (yours) instead of opening one; its priority is raised to the kind's",
  })
  @IsOptional()
  @IsUUID()
  ticketId?: string;
}

export class SubmitVerificationDto {
  @ApiProperty({ description: 'Personal data: stored encrypted', example: 'Li Wei' })
  @IsString()
  @MaxLength(200)
  fullName!: string;

  @ApiProperty({ description: 'Lower case', example: 'passport' })
  @IsString()
  @MaxLength(40)
  documentType!: string;

  @ApiProperty({
    description: 'Stored encrypted; never returned (only its last 4 characters)',
    example: 'G12345678',
  })
  @IsString()
  @MaxLength(64)
  documentNumber!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string;
}

export class RecoveryCustomerResource {
  @ApiProperty() id!: string;
  @ApiPropertyOptional({ description: 'Masked (L*** W***) unless you are the customer or a reviewer' })
  name?: string;
  @ApiPropertyOptional({ description: 'Masked' }) email?: string;
  @ApiPropertyOptional({ description: 'Masked' }) phone?: string;
}

export class IdentityVerificationResource {
  @ApiProperty() attempt!: number;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
  @ApiProperty({ description: 'Masked for partners and L1 agents; `[erased]` after forgetCustomer' })
  fullName!: string;
  @ApiProperty() documentType!: string;
  @ApiProperty({ description: 'The last 4 characters only' }) documentNumberLast4!: string;
  @ApiProperty({ enum: ['approved', 'rejected'], nullable: true, type: String }) outcome!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) reviewedAt!: string | null;
}

export class RecoveryCaseResource {
  @ApiProperty() id!: string;
  @ApiProperty() ticketId!: string;
  @ApiProperty({ enum: RECOVERY_KINDS }) kind!: RecoveryKind;
  @ApiProperty({ enum: RECOVERY_STATUSES }) status!: RecoveryStatus;
  @ApiProperty({ type: RecoveryCustomerResource }) customer!: RecoveryCustomerResource;
  @ApiProperty() language!: string;
  @ApiProperty({ description: 'Kefu has ordered the wallet core to freeze the account' })
  accountFrozen!: boolean;
  @ApiProperty() failedVerifications!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lockedUntil!: string | null;
  @ApiProperty({ type: [IdentityVerificationResource] }) verifications!: IdentityVerificationResource[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() version!: number;
}
