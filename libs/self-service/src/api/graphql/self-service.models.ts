import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { GraphqlChannel, GqlCategory, GqlPriority } from '@kefu/platform';
import { CATEGORIES, Category, Channel, Priority } from '@kefu/kernel';
import { AnsweredSession } from '../../application/answers.service';
import { WaitEstimateView } from '../../application/wait-estimates';
import { AnswerStatus } from '../../domain/answer-session.events';
import { WaitBasis } from '../../domain/wait-estimate';

export enum GqlAnswerStatus {
  SUGGESTED = 'suggested',
  DEFLECTED = 'deflected',
  HANDED_OVER = 'handed_over',
}
registerEnumType(GqlAnswerStatus, {
  name: 'AnswerSessionStatus',
  description: 'SUGGESTED (no outcome yet), DEFLECTED (an article answered it), HANDED_OVER (a ticket).',
});

export enum GqlDeflectionDimension {
  CATEGORY = 'category',
  LANGUAGE = 'language',
  CHANNEL = 'channel',
}
registerEnumType(GqlDeflectionDimension, { name: 'DeflectionDimension' });

export enum GqlWaitBasis {
  RECENT = 'recent',
  HOUR_OF_WEEK = 'hour_of_week',
  HISTORY = 'history',
  NONE = 'none',
}
registerEnumType(GqlWaitBasis, {
  name: 'WaitBasis',
  description:
    'What an estimate rests on: RECENT waits, the same HOUR_OF_WEEK in past weeks, all HISTORY, or NONE (too few measurements: show no number).',
});

@ObjectType('SuggestedArticle', { description: 'A help article as the session showed it.' })
export class SuggestedArticleModel {
  @Field(() => ID) articleId!: string;
  @Field(() => String) title!: string;
  @Field(() => GqlCategory) category!: Category;
  @Field(() => String) language!: string;
  @Field(() => Float, { description: 'Relevance, 0–1.' }) score!: number;
  @Field(() => String, { description: 'The sentence of the article that matches the question best.' })
  snippet!: string;
}

@ObjectType('AnswerSession', {
  description:
    'A self-service question: what Kefu suggested, and whether an article answered it or a person took over.',
})
export class AnswerSessionModel {
  @Field(() => ID) id!: string;
  @Field(() => GqlAnswerStatus) status!: AnswerStatus;
  @Field(() => String) question!: string;
  @Field(() => String, {
    description: 'The language answered in (BCP 47): the one given, or the detected one.',
  })
  language!: string;
  @Field(() => String, { description: 'What the detector said (script check, then tinyld for Latin text).' })
  detectedLanguage!: string;
  @Field(() => String, {
    description: 'given, script, detector or default (English for uncertain Latin text).',
  })
  languageSource!: string;
  @Field(() => GqlCategory) suggestedCategory!: Category;
  @Field(() => Float) categoryConfidence!: number;
  @Field(() => GqlPriority) suggestedPriority!: Priority;
  @Field(() => String, { description: 'category, takeover_or_fraud or haste.' }) priorityReason!: string;
  @Field(() => [SuggestedArticleModel], { description: 'Best first; empty when nothing matched.' })
  articles!: SuggestedArticleModel[];
  @Field(() => GraphqlChannel) channel!: Channel;
  @Field(() => ID, { nullable: true }) acceptedArticleId!: string | null;
  @Field(() => ID, { nullable: true }) ticketId!: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      'Anonymous sessions only, in the suggestAnswers result: pass it to acceptAnswer / handOverToHuman / answerSession. Not stored; keep it.',
  })
  token!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  @Field(() => Int) version!: number;
}

export function toAnswerSessionModel(v: AnsweredSession): AnswerSessionModel {
  return Object.assign(new AnswerSessionModel(), {
    ...v,
    createdAt: new Date(v.createdAt),
    updatedAt: new Date(v.updatedAt),
  });
}

@ObjectType('DeflectionStat', { description: 'Self-service outcomes of one group of questions.' })
export class DeflectionStatModel {
  @Field(() => GqlCategory, { nullable: true }) category!: Category | null;
  @Field(() => String, { nullable: true }) language!: string | null;
  @Field(() => GraphqlChannel, { nullable: true }) channel!: Channel | null;
  @Field(() => Int) sessions!: number;
  @Field(() => Int, { description: 'Sessions shown at least one article.' }) withArticles!: number;
  @Field(() => Int, { description: 'Resolved by an article: no ticket.' }) deflected!: number;
  @Field(() => Int) handedOver!: number;
  @Field(() => Int, { description: 'No outcome recorded (left, or still reading).' }) noOutcome!: number;
  @Field(() => Float, { nullable: true, description: 'deflected / sessions.' }) deflectionRate!:
    number | null;
}

@ObjectType('HourlyWait')
export class HourlyWaitModel {
  @Field(() => Int, { description: '0 = Monday 00:00–01:00 in timeZone … 167 = Sunday 23:00.' })
  hourOfWeek!: number;
  @Field(() => Float, { nullable: true }) medianSeconds!: number | null;
  @Field(() => Int) samples!: number;
}

@ObjectType('WaitEstimate', {
  description:
    'Expected wait for a first answer from a person, from measured first responses. With basis NONE there is no number: do not promise one.',
})
export class WaitEstimateModel {
  @Field(() => Float, { nullable: true }) seconds!: number | null;
  @Field(() => GqlWaitBasis) basis!: WaitBasis;
  @Field(() => Int, { description: 'The measured waits the estimate rests on.' }) samples!: number;
  @Field(() => Date, { nullable: true, description: 'The next hour (within a day) that is usually quieter.' })
  quieterFrom!: Date | null;
  @Field(() => Float, { nullable: true, description: 'The usual wait from quieterFrom.' })
  quieterSeconds!: number | null;
  @Field(() => String, { description: 'IANA zone of the hour-of-week buckets.' }) timeZone!: string;
  @Field(() => [HourlyWaitModel], { description: 'All 168 hours of the week (by when the wait started).' })
  byHourOfWeek!: HourlyWaitModel[];
}

export function toWaitEstimateModel(v: WaitEstimateView): WaitEstimateModel {
  return { ...v, quieterFrom: v.quieterFrom ? new Date(v.quieterFrom) : null };
}

@InputType('AcceptAnswerInput')
export class AcceptAnswerInput {
  @Field(() => ID) @IsString() @MaxLength(100) sessionId!: string;
  @Field(() => ID, { description: 'The article that answered the question (one the session showed).' })
  @IsString()
  @MaxLength(100)
  articleId!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(100) token?: string | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) expectedVersion?: number | null;
}

@InputType('HandOverToHumanInput')
export class HandOverToHumanInput {
  @Field(() => ID) @IsString() @MaxLength(100) sessionId!: string;
  @Field(() => String, { nullable: true, description: 'Of an anonymous session the caller now claims.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  token?: string | null;
  @Field(() => GqlCategory, { nullable: true, description: 'Corrects the suggested category.' })
  @IsOptional()
  @IsIn(CATEGORIES)
  category?: Category | null;
  @Field(() => String, { nullable: true, description: 'Anything to add for the person taking over.' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  comment?: string | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) expectedVersion?: number | null;
}
