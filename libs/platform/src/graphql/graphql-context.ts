import {
  DocumentNode,
  ExecutionArgs,
  GraphQLError,
  GraphQLSchema,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { AuthService } from '../auth/auth.service';
import { Principal } from '../auth/principal';
import type { PiiKeyCache } from '../pii/pii-vault';
import { HttpRequest, HttpResponse } from '../http/http-types';
import { depthLimitRule, queryComplexity, tooComplexError } from './query-limits';

/** What resolvers and guards find in the GraphQL context, over HTTP and over graphql-ws alike. */
export interface GraphqlContext {
  /** The HTTP request; for subscriptions, the WebSocket upgrade request (principal set at connect). */
  req: HttpRequest;
  res?: HttpResponse;
  connectionParams?: Record<string, unknown>;
}

interface WsContextLike {
  connectionParams?: Readonly<Record<string, unknown>>;
  extra: unknown;
}

interface HttpContextArg {
  req: HttpRequest;
  res: HttpResponse;
}

function upgradeRequestOf(extra: unknown): HttpRequest | undefined {
  if (typeof extra !== 'object' || extra === null || !('request' in extra)) return undefined;
  return (extra as { request: HttpRequest }).request;
}

function isWsContext(arg: HttpContextArg | WsContextLike): arg is WsContextLike {
  return 'extra' in arg && upgradeRequestOf(arg.extra) !== undefined;
}

export function buildGraphqlContext(arg: HttpContextArg | WsContextLike): GraphqlContext {
  if (isWsContext(arg)) {
    const req = upgradeRequestOf(arg.extra) as HttpRequest;
    return { req, connectionParams: arg.connectionParams ? { ...arg.connectionParams } : undefined };
  }
  return { req: arg.req, res: arg.res };
}

function param(
  params: Readonly<Record<string, unknown>> | undefined,
  ...names: string[]
): string | undefined {
  for (const n of names) {
    const v = params?.[n];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return undefined;
}

/**
 * graphql-ws onConnect: the credentials travel in connectionParams (`authorization: "Bearer …"` or
 * `x-api-key`). Missing or invalid → the connection is refused (4403); valid → the principal rides
 * on the upgrade request, where the AuthGuard finds it for every subscription.
 */
export function wsOnConnect(auth: AuthService) {
  return async (ctx: WsContextLike): Promise<boolean> => {
    const req = upgradeRequestOf(ctx.extra);
    if (!req) return false;
    let principal: Principal | undefined;
    try {
      principal = await auth.fromCredentials(
        param(ctx.connectionParams, 'authorization', 'Authorization'),
        param(ctx.connectionParams, 'x-api-key', 'X-Api-Key', 'apiKey'),
      );
    } catch {
      return false;
    }
    if (!principal) return false;
    req.principal = principal;
    return true;
  };
}

/**
 * graphql-ws onSubscribe: the same depth and complexity limits as over HTTP (graphql-ws does not go
 * through Apollo's plugins). Returning ExecutionArgs without contextValue keeps the `context` option.
 */
export function wsOnSubscribe(
  schemaOf: () => GraphQLSchema | undefined,
  maxDepth: number,
  maxComplexity: number,
) {
  const rules = [...specifiedRules, depthLimitRule(maxDepth)];
  return (
    _ctx: unknown,
    _id: string,
    payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
  ): ExecutionArgs | readonly GraphQLError[] => {
    const schema = schemaOf();
    if (!schema) return [new GraphQLError('The schema is not ready yet.')];
    let document: DocumentNode;
    try {
      document = parse(payload.query);
    } catch (e) {
      return [e instanceof GraphQLError ? e : new GraphQLError('The query could not be parsed.')];
    }
    const errors = validate(schema, document, rules);
    if (errors.length > 0) return errors;
    const variables = payload.variables ?? undefined;
    const operationName = payload.operationName ?? undefined;
    const complexity = queryComplexity(schema, document, variables, operationName);
    if (complexity !== undefined && complexity > maxComplexity)
      return [tooComplexError(complexity, maxComplexity)];
    return { schema, document, variableValues: variables, operationName };
  };
}

const piiKeyCaches = new WeakMap<GraphqlContext, PiiKeyCache>();

/**
 * The PII key cache of one GraphQL request over HTTP (kept beside its context, gone with it). None
 * for a subscription: its context lives as long as the connection, and every event must be opened
 * with the keys as they are then (an erasure meanwhile shows `[erased]`).
 */
export function piiKeyCacheOf(ctx: GraphqlContext): PiiKeyCache | undefined {
  if (!ctx.res) return undefined;
  let cache = piiKeyCaches.get(ctx);
  if (!cache) piiKeyCaches.set(ctx, (cache = new Map<string, Buffer>()));
  return cache;
}
