import type { ApolloServerPlugin } from '@apollo/server';
import {
  ASTVisitor,
  DocumentNode,
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLSchema,
  Kind,
  SelectionSetNode,
  ValidationContext,
  ValidationRule,
  getNamedType,
  isListType,
  isNonNullType,
  GraphQLOutputType,
} from 'graphql';
import {
  ComplexityEstimator,
  fieldExtensionsEstimator,
  getComplexity,
  simpleEstimator,
} from 'graphql-query-complexity';
import { QUERY_TOO_COMPLEX } from './format-error';

function depthOf(
  selectionSet: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  visiting: Set<string>,
): number {
  let max = 0;
  for (const sel of selectionSet.selections) {
    let d: number;
    if (sel.kind === Kind.FIELD) {
      // Introspection (__schema, __type) is deep by nature and bounded by the schema itself.
      if (sel.name.value.startsWith('__')) continue;
      d = sel.selectionSet ? 1 + depthOf(sel.selectionSet, fragments, visiting) : 1;
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      d = depthOf(sel.selectionSet, fragments, visiting);
    } else {
      const name = sel.name.value;
      const fragment = fragments[name];
      if (!fragment || visiting.has(name)) continue; // unknown/cyclic fragments are other rules' errors
      visiting.add(name);
      d = depthOf(fragment.selectionSet, fragments, visiting);
      visiting.delete(name);
    }
    max = Math.max(max, d);
  }
  return max;
}

/** Operation depth (`{ a { b } }` is 2), following fragments. */
export function operationDepths(document: DocumentNode): Array<{ name: string | undefined; depth: number }> {
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const def of document.definitions)
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments[def.name.value] = def;
  return document.definitions
    .filter((d) => d.kind === Kind.OPERATION_DEFINITION)
    .map((op) => ({ name: op.name?.value, depth: depthOf(op.selectionSet, fragments, new Set()) }));
}

/** A validation rule: operations deeper than maxDepth are refused before anything executes. */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    Document: {
      leave(document) {
        for (const { name, depth } of operationDepths(document)) {
          if (depth > maxDepth) {
            context.reportError(
              new GraphQLError(
                `Query${name ? ` ${name}` : ''} is ${depth} levels deep; the limit is ${maxDepth}.`,
                {
                  extensions: { code: QUERY_TOO_COMPLEX, depth, maxDepth },
                },
              ),
            );
          }
        }
      },
    },
  });
}

function isListLike(type: GraphQLOutputType): boolean {
  const t = isNonNullType(type) ? type.ofType : type;
  if (isListType(t)) return true;
  // Relay connections: `first` items, each as costly as a node.
  return getNamedType(t).name.endsWith('Connection');
}

/** Paginated and list fields cost their children times `first` (the contract's page-size argument). */
export const paginationEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const first: unknown = args.first;
  if (typeof first !== 'number' || !isListLike(field.type)) return undefined;
  return 1 + childComplexity * Math.max(1, first);
};

export const COMPLEXITY_ESTIMATORS: ComplexityEstimator[] = [
  fieldExtensionsEstimator(),
  paginationEstimator,
  simpleEstimator({ defaultComplexity: 1 }),
];

const TOO_MANY_NODES = 'maximum allowed number of nodes';

/**
 * The operation's cost; Infinity when it has too many nodes to count; undefined when its variables
 * do not coerce (execution then refuses it with BAD_USER_INPUT, so nothing runs either way).
 */
export function queryComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
): number | undefined {
  try {
    return getComplexity({
      schema,
      query: document,
      variables,
      operationName,
      estimators: COMPLEXITY_ESTIMATORS,
    });
  } catch (e) {
    return e instanceof Error && e.message.includes(TOO_MANY_NODES) ? Number.POSITIVE_INFINITY : undefined;
  }
}

export function tooComplexError(complexity: number, maxComplexity: number): GraphQLError {
  const shown = Number.isFinite(complexity) ? String(complexity) : 'too large to count';
  return new GraphQLError(
    `Query complexity ${shown} exceeds the limit of ${maxComplexity}; ask for fewer items.`,
    {
      extensions: {
        code: QUERY_TOO_COMPLEX,
        complexity: Number.isFinite(complexity) ? complexity : null,
        maxComplexity,
        http: { status: 400 },
      },
    },
  );
}

const COSTS_PER_DOCUMENT = 32;

/**
 * queryComplexity, remembered per parsed document (Apollo hands back the same DocumentNode for the
 * same query text from its document cache) and per operation name and variables: a client repeating
 * its page query does not pay for walking it again. Weakly held: gone with the document.
 */
export function cachedComplexity(): typeof queryComplexity {
  const byDocument = new WeakMap<DocumentNode, Map<string, number | undefined>>();
  return (schema, document, variables, operationName) => {
    let costs = byDocument.get(document);
    if (!costs) byDocument.set(document, (costs = new Map<string, number | undefined>()));
    const key = `${operationName ?? ''}\u0000${JSON.stringify(variables ?? {})}`;
    if (costs.has(key)) return costs.get(key);
    const cost = queryComplexity(schema, document, variables, operationName);
    if (costs.size >= COSTS_PER_DOCUMENT) costs.delete(costs.keys().next().value!);
    costs.set(key, cost);
    return cost;
  };
}

/** Refuses operations above maxComplexity once they are resolved, before execution. */
export function complexityLimitPlugin(maxComplexity: number): ApolloServerPlugin {
  const complexityOf = cachedComplexity();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema }) {
          const complexity = complexityOf(schema, document, request.variables, request.operationName);
          if (complexity !== undefined && complexity > maxComplexity)
            throw tooComplexError(complexity, maxComplexity);
        },
      };
    },
  };
}
