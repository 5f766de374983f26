import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { CATEGORIES, CHANNELS, Category, Channel, PRIORITIES } from '@kefu/kernel';
import { CustomerDto } from '@kefu/tickets';
import { AnsweredSession } from '../../application/answers.service';
import { ANSWER_STATUSES, QUESTION_MAX_CHARS } from '../../domain/answer-session.events';

export class AnswerCustomerDto {
  @ApiProperty({ description: 'Wallet account id', example: 'acc-88231' })
  @IsString()
  @MaxLength(200)
  id!: string;
}

export class CreateAnswerSessionDto {
  @ApiProperty({ maxLength: QUESTION_MAX_CHARS, example: 'Why did my payment fail at the supermarket?' })
  @IsString()
  @MaxLength(QUESTION_MAX_CHARS * 4)
  question!: string;

  @ApiPropertyOptional({ description: 'BCP 47 (en, zh-CN); detected when absent', example: 'en' })
  @IsOptional()
  @IsString()
  @MaxLength(35)
  language?: string;

  @ApiPropertyOptional({ enum: CHANNELS, description: "Default: your key's channel" })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional({ type: AnswerCustomerDto, description: 'The wallet account, when you know it' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AnswerCustomerDto)
  customer?: AnswerCustomerDto;
}

export class AcceptAnswerDto {
  @ApiProperty({ description: 'The article that answered the question (one the session showed)' })
  @IsString()
  @MaxLength(100)
  articleId!: string;
}

export class HandOverDto {
  @ApiPropertyOptional({ enum: CATEGORIES, description: 'Corrects the suggested category' })
  @IsOptional()
  @IsIn(CATEGORIES)
  category?: Category;

  @ApiPropertyOptional({ maxLength: 5000, description: 'Anything the customer adds for the agent' })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  comment?: string;

  @ApiPropertyOptional({
    type: CustomerDto,
    description: 'The wallet account (required when the session has none) and contact details for the ticket',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CustomerDto)
  customer?: CustomerDto;
}

export class SuggestedArticleResource {
  @ApiProperty() articleId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: CATEGORIES }) category!: string;
  @ApiProperty({ example: 'en' }) language!: string;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'Relevance' }) score!: number;
  @ApiProperty({ description: 'The sentence of the article that matches the question best' })
  snippet!: string;
}

export class AnswerSessionResource {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ANSWER_STATUSES }) status!: string;
  @ApiProperty() question!: string;
  @ApiProperty({ description: 'The language answered in: the one given, or the detected one' })
  language!: string;
  @ApiProperty({ enum: ['given', 'script', 'detector', 'default'] }) languageSource!: string;
  @ApiProperty() detectedLanguage!: string;
  @ApiProperty({ enum: CATEGORIES }) suggestedCategory!: string;
  @ApiProperty({ minimum: 0, maximum: 1 }) categoryConfidence!: number;
  @ApiProperty({ enum: PRIORITIES }) suggestedPriority!: string;
  @ApiProperty({ enum: ['category', 'takeover_or_fraud', 'haste'] }) priorityReason!: string;
  @ApiProperty({ type: [SuggestedArticleResource], description: 'Best first; empty when nothing matched' })
  articles!: SuggestedArticleResource[];
  @ApiProperty({ enum: CHANNELS }) channel!: string;
  @ApiProperty({ type: String, nullable: true }) customerId!: string | null;
  @ApiProperty({ type: String, nullable: true }) acceptedArticleId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The ticket it was handed over to' })
  ticketId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() version!: number;
}

export function toAnswerSessionResource(v: AnsweredSession): AnswerSessionResource {
  return {
    id: v.id,
    status: v.status,
    question: v.question,
    language: v.language,
    languageSource: v.languageSource,
    detectedLanguage: v.detectedLanguage,
    suggestedCategory: v.suggestedCategory,
    categoryConfidence: v.categoryConfidence,
    suggestedPriority: v.suggestedPriority,
    priorityReason: v.priorityReason,
    articles: v.articles.map((a) => ({ ...a })),
    channel: v.channel,
    customerId: v.customerId,
    acceptedArticleId: v.acceptedArticleId,
    ticketId: v.ticketId,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
    version: v.version,
  };
}
