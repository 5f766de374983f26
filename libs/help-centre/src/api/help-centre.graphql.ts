import { Args, Field, ID, InputType, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import {
  Public,
  Roles,
  GraphqlChannel,
  NodeModel,
  GqlCategory,
  PageInfoModel,
  orUndefined,
  pageSize,
} from '@kefu/platform';
import { CATEGORIES, CHANNELS, Category, Channel } from '@kefu/kernel';
import { HelpArticleView, HelpCentreService } from '../application/help-centre.service';

@ObjectType('HelpArticle', { implements: () => [NodeModel] })
export class HelpArticleModel implements NodeModel {
  @Field(() => ID) id!: string;
  @Field(() => String) title!: string;
  @Field(() => String) body!: string;
  @Field(() => GqlCategory) category!: Category;
  @Field(() => String, { description: 'BCP 47: en, zh-CN…' }) language!: string;
  @Field(() => Date) updatedAt!: Date;
}

const toModel = (v: HelpArticleView): HelpArticleModel =>
  Object.assign(new HelpArticleModel(), { ...v, updatedAt: new Date(v.updatedAt) });

@ObjectType('HelpArticleEdge')
export class HelpArticleEdgeModel {
  @Field(() => String) cursor!: string;
  @Field(() => HelpArticleModel) node!: HelpArticleModel;
}

@ObjectType('HelpArticleConnection')
export class HelpArticleConnectionModel {
  @Field(() => [HelpArticleEdgeModel]) edges!: HelpArticleEdgeModel[];
  @Field(() => PageInfoModel) pageInfo!: PageInfoModel;
  @Field(() => Int) totalCount!: number;
}

@ObjectType('SupportChannel', { description: 'A way to reach support, with its opening hours.' })
export class SupportChannelModel {
  @Field(() => GraphqlChannel) channel!: Channel;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true, description: 'Hotline number, address…' }) contact!: string | null;
  @Field(() => String, { nullable: true, description: 'HH:MM, local time of the service' }) opensAt!:
    string | null;
  @Field(() => String, { nullable: true }) closesAt!: string | null;
  @Field(() => Boolean) alwaysOpen!: boolean;
}

@InputType('UpsertHelpArticleInput')
export class UpsertHelpArticleInput {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() @MaxLength(100) id?: string | null;
  @Field(() => String) @IsString() @MaxLength(400) title!: string;
  @Field(() => String) @IsString() @MaxLength(40_000) body!: string;
  @Field(() => GqlCategory) @IsIn(CATEGORIES) category!: Category;
  @Field(() => String) @IsString() @MaxLength(35) language!: string;
}

@InputType('UpsertSupportChannelInput')
export class UpsertSupportChannelInput {
  @Field(() => GraphqlChannel) @IsIn(CHANNELS) channel!: Channel;
  @Field(() => String) @IsString() @MaxLength(200) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(1000) contact?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(5) opensAt?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(5) closesAt?: string | null;
  @Field(() => Boolean) @IsBoolean() alwaysOpen!: boolean;
}

/** The help centre: public reads (self-service before filing a ticket), staff writes. */
@Resolver()
export class HelpCentreResolver {
  constructor(private readonly help: HelpCentreService) {}

  @Public()
  @Query(() => HelpArticleConnectionModel, {
    description:
      'Help articles; `query` searches title and body (English stemmed, Chinese by character bigrams).',
  })
  async helpArticles(
    @Args('query', { type: () => String, nullable: true }) query: string | null,
    @Args('category', { type: () => GqlCategory, nullable: true }) category: Category | null,
    @Args('language', { type: () => String, nullable: true }) language: string | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<HelpArticleConnectionModel> {
    const page = await this.help.searchArticles(
      { query: orUndefined(query), category: orUndefined(category), language: orUndefined(language) },
      pageSize(first),
      orUndefined(after),
    );
    const edges = page.items.map((i) => ({ cursor: i.cursor, node: toModel(i.node) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: !!after,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      totalCount: page.totalCount,
    };
  }

  @Public()
  @Query(() => [SupportChannelModel], { description: 'Support channels with opening hours and contacts.' })
  async supportChannels(): Promise<SupportChannelModel[]> {
    return this.help.channels();
  }

  @Roles('supervisor', 'admin')
  @Mutation(() => HelpArticleModel, { description: 'Creates (no id) or replaces an article.' })
  async upsertHelpArticle(@Args('input') input: UpsertHelpArticleInput): Promise<HelpArticleModel> {
    return toModel(
      await this.help.upsertArticle({
        id: orUndefined(input.id),
        title: input.title,
        body: input.body,
        category: input.category,
        language: input.language,
      }),
    );
  }

  @Roles('admin')
  @Mutation(() => SupportChannelModel, {
    description: 'Sets a channel’s name, contact and opening hours (admins).',
  })
  async upsertSupportChannel(@Args('input') input: UpsertSupportChannelInput): Promise<SupportChannelModel> {
    return this.help.upsertChannel({
      channel: input.channel,
      name: input.name,
      contact: orUndefined(input.contact),
      opensAt: orUndefined(input.opensAt),
      closesAt: orUndefined(input.closesAt),
      alwaysOpen: input.alwaysOpen,
    });
  }
}
