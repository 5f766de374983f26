import { Field, ID, InputType, Int } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { GqlCategory, GqlTier } from '@kefu/platform';
import { CATEGORIES, Category, TIERS, Tier } from '@kefu/kernel';

// Every field decorated (the global ValidationPipe forbids the rest); the decider checks meaning.

@InputType('RegisterAgentInput')
export class RegisterAgentInput {
  @Field(() => ID, { description: "The `sub` of the agent's tokens." })
  @IsString()
  @MaxLength(200)
  id!: string;

  @Field(() => String)
  @IsString()
  name!: string;

  @Field(() => GqlTier)
  @IsIn(TIERS)
  tier!: Tier;

  @Field(() => [String])
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  languages!: string[];

  @Field(() => [GqlCategory], { nullable: true, description: 'Empty or omitted on first registration: all.' })
  @IsOptional()
  @IsArray()
  @IsIn(CATEGORIES, { each: true })
  categories?: Category[] | null;

  @Field(() => Int, { nullable: true, description: 'Default 10.' })
  @IsOptional()
  @IsInt()
  maxOpenTickets?: number | null;
}

@InputType('SetAgentAvailabilityInput')
export class SetAgentAvailabilityInput {
  @Field(() => ID, { nullable: true, description: 'Default: the caller.' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  agentId?: string | null;

  @Field(() => Boolean)
  @IsBoolean()
  available!: boolean;
}
