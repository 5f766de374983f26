import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { DELIVERY_STATUSES, DeliveryStatus } from '../../application/endpoint-rows';
import { FEED_DEFAULT_LIMIT, FEED_MAX_LIMIT } from '../../application/event-feed.service';
import { PUBLIC_EVENT_TYPES } from '@kefu/platform';
import { MAX_URL_LENGTH } from '../../domain/url-safety';

// Structure here; meaning (known event types, URL safety) in the service, with the same field paths.

export class CreateWebhookEndpointDto {
  @ApiProperty({
    example: 'https://partner.example.com/kefu/webhooks',
    description: 'http(s), no credentials; the host must resolve to public addresses only',
    maxLength: MAX_URL_LENGTH,
  })
  @IsString()
  @MaxLength(MAX_URL_LENGTH)
  url!: string;

  @ApiProperty({
    type: [String],
    enum: PUBLIC_EVENT_TYPES,
    example: ['ticket.created', 'ticket.message_added'],
    description: 'At least one public event type; `*` is not supported',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PUBLIC_EVENT_TYPES.length * 2)
  @IsString({ each: true })
  events!: string[];
}

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}

export class ListDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}

export class EventFeedQueryDto {
  @ApiPropertyOptional({ description: 'nextCursor of the previous page; omit to start from the beginning' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  after?: string;

  @ApiPropertyOptional({ description: 'Alias of `after`, as in the other lists' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: FEED_MAX_LIMIT, default: FEED_DEFAULT_LIMIT })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(FEED_MAX_LIMIT)
  limit?: number;
}
