import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { CATEGORIES, CHANNELS, Category, Channel, PRIORITIES, Priority } from '@kefu/kernel';

// Structural checks here (types, enums, shapes); the domain checks meaning (lengths, formats) and
// reports with the same field paths.

export class CustomerDto {
  @ApiProperty({ description: 'Wallet account id', example: 'acc-88231' })
  @IsString()
  @MaxLength(200)
  id!: string;

  @ApiPropertyOptional({ example: 'Li Wei' })
  @IsOptional()
  @IsString()
  name?: string;

  @ApiPropertyOptional({ example: 'li.wei@example.com' })
  @IsOptional()
  @IsString()
  email?: string;

  @ApiPropertyOptional({ example: '+86 138 0000 0000' })
  @IsOptional()
  @IsString()
  phone?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['vip'],
    description:
      "The customer's segments (e.g. vip: tighter SLA policies, first in its priority band in queues); " +
      'added to those an admin set for the customer',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  segments?: string[];
}

export class TransactionDto {
  @ApiProperty({ example: 'tx-20261121-0042' })
  @IsString()
  id!: string;

  @ApiProperty({ description: 'Integer minor units (1050 = 10.50)', example: 1050 })
  @IsInt()
  @Min(0)
  amount!: number;

  @ApiProperty({ description: 'ISO 4217', example: 'CNY' })
  @IsString()
  currency!: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  occurredAt?: string;

  @ApiPropertyOptional({ example: 'm-4411' })
  @IsOptional()
  @IsString()
  merchantId?: string;
}

export class AttachmentDto {
  @ApiProperty() @IsString() name!: string;
  @ApiProperty({ example: 'image/png' }) @IsString() contentType!: string;
  @ApiProperty({ description: 'bytes' }) @IsInt() @Min(0) size!: number;
  @ApiProperty({ example: 'https://files.example.com/receipt.png' }) @IsString() url!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() sha256?: string;
}

export class CreateTicketDto {
  @ApiProperty({ example: 'Payment failed at checkout' })
  @IsString()
  subject!: string;

  @ApiProperty({ example: 'The merchant says the wallet declined; my balance is fine.' })
  @IsString()
  description!: string;

  @ApiProperty({ enum: CATEGORIES })
  @IsIn(CATEGORIES)
  category!: Category;

  @ApiPropertyOptional({ enum: PRIORITIES, description: 'Default: by category' })
  @IsOptional()
  @IsIn(PRIORITIES)
  priority?: Priority;

  @ApiPropertyOptional({ enum: CHANNELS, description: "Default: the API key's channel" })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ description: 'BCP 47', example: 'zh-CN' })
  @IsOptional()
  @IsString()
  language?: string;

  @ApiProperty({ type: CustomerDto })
  @ValidateNested()
  @Type(() => CustomerDto)
  customer!: CustomerDto;

  @ApiPropertyOptional({ type: TransactionDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TransactionDto)
  transaction?: TransactionDto;

  @ApiPropertyOptional({ type: [String], example: ['vip'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  tags?: string[];

  @ApiPropertyOptional({ description: "The partner's own reference for the case" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  externalRef?: string;
}

export class CreateMessageDto {
  @ApiProperty({ example: 'It happened again just now.' })
  @IsString()
  body!: string;

  @ApiPropertyOptional({ type: [AttachmentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => AttachmentDto)
  attachments?: AttachmentDto[];
}

export class CreateEscalationRequestDto {
  @ApiProperty({ example: 'Third time calling about this; I want a supervisor.' })
  @IsString()
  reason!: string;
}

export class ListTicketsQueryDto {
  @ApiPropertyOptional({ description: 'Comma-separated statuses', example: 'open,pending' })
  @IsOptional()
  @IsString()
  status?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Only tickets changed at or after this time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  updatedSince?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}
