import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { CustomerDto } from '@kefu/tickets';
import { FEEDBACK_KINDS, FeedbackKind } from '../../domain/feedback';
import { SURVEY_STATUSES } from '../../domain/survey';
import { FeedbackView } from '../../application/feedback.service';
import { SurveyView } from '../../application/survey-view';

export class SurveyResponseDto {
  @ApiProperty({ minimum: 1, maximum: 5, example: 4 })
  @IsInt()
  score!: number;

  @ApiPropertyOptional({ maxLength: 2000, example: 'Quick and friendly' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export class SurveyResource {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: SURVEY_STATUSES }) status!: string;
  @ApiProperty({ format: 'date-time' }) sentAt!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) respondedAt!: string | null;
  @ApiProperty({ type: Number, nullable: true }) score!: number | null;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
}

/** What a token holder sees: the survey, not the ticket. Past its expiry a survey reads as expired. */
export function toSurveyResource(v: SurveyView, now = Date.now()): SurveyResource {
  const expired = v.status === 'sent' && now >= Date.parse(v.expiresAt);
  return {
    id: v.id,
    status: expired ? 'expired' : v.status,
    sentAt: v.sentAt,
    expiresAt: v.expiresAt,
    respondedAt: v.respondedAt,
    score: v.score,
    comment: v.comment,
  };
}

export class CreateFeedbackDto {
  @ApiProperty({ type: CustomerDto, description: 'The wallet account the feedback is from' })
  @IsObject()
  @ValidateNested()
  @Type(() => CustomerDto)
  customer!: CustomerDto;

  @ApiProperty({ enum: FEEDBACK_KINDS })
  @IsIn(FEEDBACK_KINDS)
  kind!: FeedbackKind;

  @ApiProperty({ maxLength: 5000 })
  @IsString()
  @MaxLength(5000)
  body!: string;

  @ApiPropertyOptional({ description: 'A ticket of this customer that your channel brought in' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  ticketId?: string;

  @ApiPropertyOptional({
    description: 'The agent it is about; a complaint about an agent goes to a supervisor',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  agentId?: string;
}

export class FeedbackResource {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: FEEDBACK_KINDS }) kind!: string;
  @ApiProperty() body!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'For a complaint about an agent: the ticket now with a supervisor',
  })
  ticketId!: string | null;
  @ApiProperty({ type: String, nullable: true }) agentId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export function toFeedbackResource(v: FeedbackView): FeedbackResource {
  return { ...v };
}
