import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import { FEEDBACK_KINDS, FeedbackKind } from '../../domain/feedback';
import { GqlFeedbackKind } from './feedback.models';

// Structure here; the domain checks meaning (score range, lengths) and names the fields.

@InputType('RespondToSurveyInput')
export class RespondToSurveyInput {
  @Field(() => String) @IsString() @MaxLength(200) token!: string;
  @Field(() => Int) @IsInt() score!: number;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2000) comment?: string | null;
}

@InputType('SubmitFeedbackInput')
export class SubmitFeedbackInput {
  @Field(() => GqlFeedbackKind) @IsIn(FEEDBACK_KINDS) kind!: FeedbackKind;
  @Field(() => String) @IsString() @MaxLength(5000) body!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() @MaxLength(100) ticketId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() @MaxLength(200) agentId?: string | null;
}

@InputType('FeedbackFilter')
export class FeedbackFilterInput {
  @Field(() => [GqlFeedbackKind], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(3)
  @IsIn(FEEDBACK_KINDS, { each: true })
  kind?: FeedbackKind[] | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() @MaxLength(200) agentId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() @MaxLength(100) ticketId?: string | null;
}

@InputType('UpdateSurveySettingsInput')
export class UpdateSurveySettingsInput {
  @Field(() => Int) @IsInt() delaySeconds!: number;
  @Field(() => Int) @IsInt() reminderAfterSeconds!: number;
  @Field(() => Int) @IsInt() expiresAfterSeconds!: number;
}
