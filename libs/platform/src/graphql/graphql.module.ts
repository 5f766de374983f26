import { DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { GraphQLNamedType, GraphQLSchema } from 'graphql';
import { ApiKeyResolver } from '../auth/api-key.resolver';
import { AuthService } from '../auth/auth.service';
import { AppConfig } from '../config/config';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { formatGraphqlError } from './format-error';
import { buildGraphqlContext, wsOnConnect, wsOnSubscribe } from './graphql-context';
import { MeResolver } from './me.resolver';
import { complexityLimitPlugin, depthLimitRule } from './query-limits';
import { DateTimeScalar, JSONScalar } from './scalars';

export const GRAPHQL_ENDPOINT = '/graphql';

/** The contract declares DateTime and JSON; keep them in the schema even before a field uses them. */
export function withContractScalars(schema: GraphQLSchema): GraphQLSchema {
  const missing: GraphQLNamedType[] = [DateTimeScalar, JSONScalar].filter((s) => !schema.getType(s.name));
  if (missing.length === 0) return schema;
  const config = schema.toConfig();
  return new GraphQLSchema({ ...config, types: [...config.types, ...missing] });
}

export function graphqlOptions(config: AppConfig, auth: AuthService): ApolloDriverConfig {
  let served: GraphQLSchema | undefined;
  return {
    path: GRAPHQL_ENDPOINT,
    autoSchemaFile: true,
    sortSchema: true,
    // Date-typed fields in code-first models are the contract's DateTime.
    buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: DateTimeScalar }] },
    transformSchema: (schema: GraphQLSchema) => {
      served = withContractScalars(schema);
      return served;
    },
    context: buildGraphqlContext,
    subscriptions: {
      'graphql-ws': {
        path: GRAPHQL_ENDPOINT,
        onConnect: wsOnConnect(auth),
        onSubscribe: wsOnSubscribe(() => served, config.graphqlMaxDepth, config.graphqlMaxComplexity),
      },
    },
    formatError: formatGraphqlError,
    includeStacktraceInErrorResponses: false, // formatError would drop them anyway
    introspection: true,
    graphiql: config.graphqlPlayground,
    playground: false,
    validationRules: [depthLimitRule(config.graphqlMaxDepth)],
    // Apollo installs its cache-control plugin by default; its per-field hook makes Apollo wrap every
    // resolver of the schema (about a third of a 50-ticket page's GraphQL CPU), for cache hints that Kefu
    // never sets (answers are per caller: no CDN caching). docs/adr/0009-read-path.md.
    plugins: [ApolloServerPluginCacheControlDisabled(), complexityLimitPlugin(config.graphqlMaxComplexity)],
  };
}

/**
 * GraphQL for frontends at /graphql (code-first, in-memory schema), subscriptions over graphql-ws on
 * the same path. Domain modules add resolvers; the schema is the union of everything registered.
 */
@Module({})
export class KefuGraphqlModule {
  static forRoot(): DynamicModule {
    return {
      module: KefuGraphqlModule,
      imports: [
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [AppConfig, AuthService],
          useFactory: graphqlOptions,
        }),
      ],
      providers: [MeResolver, ApiKeyResolver],
    };
  }
}
