import {
  Args,
  Field,
  ID,
  InputType,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  registerEnumType,
} from '@nestjs/graphql';
import { ArrayMaxSize, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PARTNER_SCOPES, PartnerScope } from '../domain/public-event-types';
import { CurrentPrincipal, Roles } from './auth.decorators';
import { ApiKeyService, ApiKeyView } from './api-key.service';
import { CHANNELS, Channel } from '@kefu/kernel';
import { GraphqlChannel, NodeModel } from '../graphql/node.model';
import { Principal, actorOf } from './principal';

/** Privileges of a partner key beyond its own cases (not in the contract: an addition). */
export enum GraphqlApiKeyScope {
  PAYMENTS_CORE = 'payments_core',
  WALLET_CORE = 'wallet_core',
}
registerEnumType(GraphqlApiKeyScope, {
  name: 'ApiKeyScope',
  description:
    'PAYMENTS_CORE receives refund events of every ticket and reports payout results; WALLET_CORE ' +
    'receives account freeze/restore instructions of every recovery case.',
});
// Kept in step with the platform's list.
const SCOPE_VALUES = Object.values(GraphqlApiKeyScope) satisfies PartnerScope[];
void ({} as Record<`${GraphqlApiKeyScope}`, true> satisfies Record<keyof typeof PARTNER_SCOPES, true>);

@ObjectType('ApiKey', {
  implements: () => [NodeModel],
  description: 'A partner channel key; the secret is never shown again.',
})
export class ApiKeyModel implements NodeModel {
  @Field(() => ID)
  id!: string;

  @Field(() => GraphqlChannel)
  channel!: Channel;

  @Field(() => String)
  name!: string;

  @Field(() => String, {
    description:
      "The partner (tenant) the key belongs to: a slug of its name, shared by all of that partner's keys. " +
      'A partner sees only the cases, webhooks and events it brought in.',
  })
  partner!: string;

  @Field(() => [GraphqlApiKeyScope], { description: "Privileges beyond the partner's own cases." })
  scopes!: PartnerScope[];

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType('CreatedApiKey')
export class CreatedApiKeyModel {
  @Field(() => ApiKeyModel)
  apiKey!: ApiKeyModel;

  @Field(() => String, { description: 'Shown only here, once.' })
  secret!: string;
}

@InputType('CreateApiKeyInput')
export class CreateApiKeyInput {
  @Field(() => GraphqlChannel)
  @IsIn(CHANNELS)
  channel!: Channel;

  @Field(() => String)
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field(() => [GraphqlApiKeyScope], { nullable: true, description: 'Default: none.' })
  @IsOptional()
  @ArrayMaxSize(SCOPE_VALUES.length)
  @IsIn(SCOPE_VALUES, { each: true })
  scopes?: PartnerScope[] | null;
}

export function toApiKeyModel(v: ApiKeyView): ApiKeyModel {
  return Object.assign(new ApiKeyModel(), {
    id: v.id,
    channel: v.channel,
    name: v.name,
    partner: v.partner,
    scopes: v.scopes,
    createdAt: v.createdAt,
    revokedAt: v.revokedAt,
  });
}

/** Partner API keys for admins: list, create (the secret is in the answer, once), revoke. */
@Roles('admin')
@Resolver(() => ApiKeyModel)
export class ApiKeyResolver {
  constructor(private readonly keys: ApiKeyService) {}

  @Query(() => [ApiKeyModel], { description: 'Every API key, revoked ones included (admins).' })
  async apiKeys(): Promise<ApiKeyModel[]> {
    return (await this.keys.list()).map(toApiKeyModel);
  }

  @Mutation(() => CreatedApiKeyModel)
  async createApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: CreateApiKeyInput,
  ): Promise<CreatedApiKeyModel> {
    const created = await this.keys.create(
      input.channel,
      input.name,
      actorOf(principal).id,
      input.scopes ?? [],
    );
    return { apiKey: toApiKeyModel(created.apiKey), secret: created.secret };
  }

  @Mutation(() => ApiKeyModel, { description: 'Idempotent: revoking twice keeps the first time.' })
  async revokeApiKey(
    @CurrentPrincipal() principal: Principal,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<ApiKeyModel> {
    return toApiKeyModel(await this.keys.revoke(id, actorOf(principal).id));
  }
}
