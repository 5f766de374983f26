import { JsonSchema } from '../domain/json-schema';
import { PublicEventType, publicEventSchemaName } from '../domain/public-event-types';
import { JsonObject, isObject, toOpenApi31 } from './openapi-31';
import { RouteAccess } from './openapi-access';

// What Nest's scanner cannot know, added once to the built document: OpenAPI 3.1, servers, tag
// descriptions, `security` from the AuthGuard's own metadata, the response headers clients act on,
// and the webhooks with their payload schemas. Pure: openapi.ts gathers the facts from the app.

export const API_KEY_SECURITY = 'apiKey';
export const BEARER_SECURITY = 'bearer';

/** Marks an operation whose responses carry the per-client `RateLimit-Policy` / `RateLimit` fields. */
export const RATE_LIMITED_EXTENSION = 'x-kefu-rate-limited';

/** One line per tag of the REST surface. A tag missing here is still listed, without a description. */
export const TAG_DESCRIPTIONS: Record<string, string> = {
  tickets: 'Open and follow the tickets your channel brought in; customer messages and escalation requests.',
  disputes: 'A customer contests a transaction; the merchant answers; a senior agent decides.',
  refunds: 'Refund requests, and the payments core reporting payouts.',
  'account-recovery': 'Locked, stolen or unreachable accounts: freeze, identity verification, restore.',
  feedback: 'Suggestions, praise and complaints from customers.',
  surveys: 'Satisfaction surveys, answered by token from the survey.sent link (no credentials).',
  webhooks:
    'Your endpoints for the events Kefu POSTs (see `webhooks` for each payload), and their deliveries.',
  events: 'The same public events as the webhooks, as a feed to poll.',
  ops: 'Liveness and readiness probes for orchestrators and load balancers (no credentials).',
};

export interface DocumentFacts {
  /** By operationId: who may call it (routeAccessByOperationId). */
  access: ReadonlyMap<string, RouteAccess>;
  /** The `data` schema of each public event type. */
  webhookPayloads: ReadonlyArray<readonly [PublicEventType, JsonSchema]>;
}

const SECURITY: Record<RouteAccess, Array<Record<string, string[]>>> = {
  public: [],
  partner: [{ [API_KEY_SECURITY]: [] }],
  user: [{ [BEARER_SECURITY]: [] }],
  any: [{ [BEARER_SECURITY]: [] }, { [API_KEY_SECURITY]: [] }],
};

const HEADERS: Record<string, JsonObject> = {
  'Idempotent-Replayed': {
    description:
      '`true` when this is the stored response of an earlier request with the same Idempotency-Key.',
    schema: { type: 'string', enum: ['true'] },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'integer', minimum: 0 },
  },
  'RateLimit-Policy': {
    description: 'The limit and its window, e.g. `30;w=60` (IETF RateLimit header fields draft).',
    schema: { type: 'string' },
  },
  RateLimit: {
    description: 'What is left of the window, e.g. `limit=30, remaining=29, reset=41`.',
    schema: { type: 'string' },
  },
  'RateLimit-Limit': {
    description: 'Failed authentications allowed per client address and window.',
    schema: { type: 'integer' },
  },
  'RateLimit-Remaining': {
    description: 'Failed authentications left in the window.',
    schema: { type: 'integer' },
  },
  'RateLimit-Reset': { description: 'Seconds until the window resets.', schema: { type: 'integer' } },
};

const AUTH_LIMIT_HEADERS = ['RateLimit-Policy', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];
const CLIENT_LIMIT_HEADERS = ['RateLimit-Policy', 'RateLimit'];
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];

interface Operation {
  op: JsonObject;
  method: string;
  path: string;
}

function operationsOf(paths: unknown): Operation[] {
  if (!isObject(paths)) return [];
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (isObject(op)) out.push({ op, method, path });
    }
  }
  return out;
}

function addHeaders(response: unknown, names: string[]): void {
  if (!isObject(response) || typeof response.$ref === 'string') return;
  const headers = isObject(response.headers) ? response.headers : {};
  // Inline, not $ref: generators (openapi-typescript) then keep them optional, as they are.
  for (const n of names) headers[n] ??= { ...HEADERS[n], required: false };
  response.headers = headers;
}

function hasHeaderParam(op: JsonObject, name: string): boolean {
  const params = Array.isArray(op.parameters) ? op.parameters : [];
  return params.some(
    (p) => isObject(p) && p.in === 'header' && String(p.name).toLowerCase() === name.toLowerCase(),
  );
}

/** Security from the guard's metadata, and the headers the server sends with each response. */
function finishOperation({ op }: Operation, facts: DocumentFacts): void {
  const access = typeof op.operationId === 'string' ? facts.access.get(op.operationId) : undefined;
  if (access) op.security = SECURITY[access];
  const secured = Array.isArray(op.security) && op.security.length > 0;
  const clientLimited = op[RATE_LIMITED_EXTENSION] === true;
  delete op[RATE_LIMITED_EXTENSION];
  const idempotent = hasHeaderParam(op, 'Idempotency-Key');
  const responses = isObject(op.responses) ? op.responses : {};
  for (const [status, response] of Object.entries(responses)) {
    const names: string[] = [];
    if (idempotent && /^2/.test(status)) names.push('Idempotent-Replayed');
    if (clientLimited) names.push(...CLIENT_LIMIT_HEADERS);
    // The AuthGuard's failure limiter reports its window on 401s, and on the 429 that follows them.
    if (secured && (status === '401' || status === '429')) names.push(...AUTH_LIMIT_HEADERS);
    if (status === '429') names.push('Retry-After');
    if (names.length) addHeaders(response, [...new Set(names)]);
  }
}

function tagsOf(ops: Operation[], existing: unknown): JsonObject[] {
  const declared = new Map<string, JsonObject>();
  if (Array.isArray(existing)) for (const t of existing) if (isObject(t)) declared.set(String(t.name), t);
  const used = new Set<string>();
  for (const { op } of ops) if (Array.isArray(op.tags)) for (const t of op.tags) used.add(String(t));
  return [...new Set([...declared.keys(), ...used])].sort().map((name) => {
    const description = TAG_DESCRIPTIONS[name];
    return { ...declared.get(name), name, ...(description ? { description } : {}) };
  });
}

/** The webhook body of one type: the envelope of API.md around the type's `data`. */
function eventSchema(type: PublicEventType, data: JsonSchema): JsonObject {
  return {
    type: 'object',
    description: `The body of a \`${type}\` webhook (and of its items in GET /v1/events).`,
    properties: {
      id: { type: 'string', format: 'uuid', description: 'The event id: dedupe by it (also Kefu-Event-Id).' },
      type: { type: 'string', const: type },
      occurredAt: { type: 'string', format: 'date-time' },
      data,
    },
    required: ['id', 'type', 'occurredAt', 'data'],
    additionalProperties: false,
  };
}

function webhookHeader(name: string, description: string, example?: string): JsonObject {
  return {
    name,
    in: 'header',
    required: true,
    description,
    schema: { type: 'string', ...(example ? { examples: [example] } : {}) },
  };
}

function webhookItem(type: PublicEventType): JsonObject {
  return {
    post: {
      operationId: `webhook_${type.replace(/\./g, '_')}`,
      summary: `${type} (Kefu POSTs this to your endpoint)`,
      description:
        'At least once, retried with exponential backoff for a day: dedupe by the event id. Verify ' +
        'Kefu-Signature before trusting the body (any Stripe-compatible verifier works: same scheme).',
      tags: ['webhooks'],
      security: [],
      parameters: [
        webhookHeader(
          'Kefu-Signature',
          '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed with the endpoint secret. ' +
            'Refuse timestamps older than 5 minutes.',
          't=1767225600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
        ),
        webhookHeader('Kefu-Event-Id', 'The event id (the body `id`).'),
        webhookHeader('Kefu-Delivery-Id', 'This delivery (GET /v1/webhooks/{id}/deliveries/{deliveryId}).'),
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': { schema: { $ref: `#/components/schemas/${publicEventSchemaName(type)}` } },
        },
      },
      responses: {
        '200': { description: 'Any 2xx acknowledges the delivery.' },
        default: {
          description: 'Any other status, or no answer in time, is retried until the retry window ends.',
        },
      },
    },
  };
}

/** Nest's 3.0 document + the facts of the running app → the served OpenAPI 3.1 document. */
export function finishDocument(nestDocument: object, facts: DocumentFacts): JsonObject {
  const doc = toOpenApi31(nestDocument as JsonObject);
  doc.info = {
    ...(isObject(doc.info) ? doc.info : {}),
    license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
  };
  doc.servers = [{ url: '/', description: 'This Kefu deployment (the host serving this document)' }];
  const ops = operationsOf(doc.paths);
  for (const o of ops) finishOperation(o, facts);
  doc.tags = tagsOf(ops, doc.tags);
  const components = isObject(doc.components) ? doc.components : {};
  const schemas = isObject(components.schemas) ? components.schemas : {};
  const webhooks: JsonObject = {};
  for (const [type, data] of facts.webhookPayloads) {
    schemas[publicEventSchemaName(type)] = eventSchema(type, data);
    webhooks[type] = webhookItem(type);
  }
  components.schemas = schemas;
  doc.components = components;
  doc.webhooks = webhooks;
  return doc;
}
