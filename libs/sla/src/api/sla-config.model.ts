import { Field, Float, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { GraphqlChannel, NodeModel, GqlCategory, GqlPriority } from '@kefu/platform';
import { CATEGORIES, CHANNELS, Category, Channel, PRIORITIES, Priority } from '@kefu/kernel';
import { BusinessCalendar, SlaPolicy } from '../domain/sla-config';

// Every input field decorated (the global ValidationPipe forbids the rest); the deciders check meaning.

@ObjectType('SlaPolicy', { implements: () => [NodeModel] })
export class SlaPolicyModel implements NodeModel {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => GqlPriority) priority!: Priority;
  @Field(() => [GqlCategory], { description: 'Empty: every category.' }) categories!: Category[];
  @Field(() => [GraphqlChannel], { description: 'Empty: every channel.' }) channels!: Channel[];
  @Field(() => [String], {
    description:
      'Customer segments (e.g. vip) the policy is for; empty: every customer. A policy naming segments wins over one that does not.',
  })
  segments!: string[];
  @Field(() => Int, { description: 'Seconds of business time; 0 = not measured.' })
  firstResponseSeconds!: number;
  @Field(() => Int, { description: 'After each customer reply, once an agent has answered.' })
  nextResponseSeconds!: number;
  @Field(() => Int) resolutionSeconds!: number;
  @Field(() => ID, { nullable: true, description: 'null: 24/7.' }) calendarId!: string | null;
  @Field(() => Float, { description: 'A warning fires at this share of a target (default 0.8).' })
  warningRatio!: number;
}

@ObjectType('WeeklyHours')
export class WeeklyHoursModel {
  @Field(() => Int, { description: '0 = Sunday … 6 = Saturday.' }) weekday!: number;
  @Field(() => String, { description: 'HH:MM local time.' }) opens!: string;
  @Field(() => String, { description: 'HH:MM local time, up to 24:00.' }) closes!: string;
}

@ObjectType('BusinessCalendar', { implements: () => [NodeModel] })
export class BusinessCalendarModel implements NodeModel {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'IANA time zone, e.g. Asia/Shanghai.' }) timeZone!: string;
  @Field(() => [WeeklyHoursModel]) hours!: WeeklyHoursModel[];
  @Field(() => [String], { description: 'Closed local dates, YYYY-MM-DD.' }) holidays!: string[];
}

export const toPolicyModel = (p: SlaPolicy): SlaPolicyModel => ({
  ...p,
  channels: p.channels ?? [],
  segments: p.segments ?? [],
});
export const toCalendarModel = (c: BusinessCalendar): BusinessCalendarModel => ({
  ...c,
  hours: c.hours.map((h) => ({ ...h })),
});

@InputType('WeeklyHoursInput')
export class WeeklyHoursInput {
  @Field(() => Int) @IsInt() weekday!: number;
  @Field(() => String) @IsString() @MaxLength(5) opens!: string;
  @Field(() => String) @IsString() @MaxLength(5) closes!: string;
}

@InputType('UpsertBusinessCalendarInput')
export class UpsertBusinessCalendarInput {
  @Field(() => ID, { nullable: true, description: 'Omit to create; give it to update.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  id?: string | null;

  @Field(() => String) @IsString() name!: string;
  @Field(() => String) @IsString() @MaxLength(100) timeZone!: string;

  @Field(() => [WeeklyHoursInput])
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => WeeklyHoursInput)
  hours!: WeeklyHoursInput[];

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  holidays?: string[] | null;
}

/** Channels live outside UpsertSlaPolicyInput so that the contract's input type stays as it is. */
@InputType('SetSlaPolicyChannelsInput')
export class SetSlaPolicyChannelsInput {
  @Field(() => ID) @IsString() @MaxLength(100) policyId!: string;

  @Field(() => [GraphqlChannel], { description: 'Empty: every channel.' })
  @IsArray()
  @IsIn(CHANNELS, { each: true })
  channels!: Channel[];
}

@InputType('UpsertSlaPolicyInput')
export class UpsertSlaPolicyInput {
  @Field(() => ID, { nullable: true, description: 'Omit to create; give it to update.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  id?: string | null;

  @Field(() => String) @IsString() name!: string;
  @Field(() => GqlPriority) @IsIn(PRIORITIES) priority!: Priority;

  @Field(() => [GqlCategory], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsIn(CATEGORIES, { each: true })
  categories?: Category[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Customer segments (e.g. vip) the policy is for; omitted: unchanged (new: every customer).',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  segments?: string[] | null;

  @Field(() => Int) @IsInt() firstResponseSeconds!: number;
  @Field(() => Int) @IsInt() nextResponseSeconds!: number;
  @Field(() => Int) @IsInt() resolutionSeconds!: number;

  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  calendarId?: string | null;

  @Field(() => Float, { nullable: true })
  @IsOptional()
  @IsNumber()
  warningRatio?: number | null;
}
