import { DomainError } from '../errors/domain-error';
import { bodyParserErrorOf } from './problem';
import { HttpRequest, HttpResponse, Middleware } from './http-types';

/** Request bodies over this are refused with 413 (API.md). */
export const BODY_LIMIT = '1mb';
export const JSON_TYPES = ['application/json', 'application/*+json'];
const FORM_TYPE = 'application/x-www-form-urlencoded';
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBody(req: HttpRequest): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

export function isAcceptedContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';')[0].trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type) || type === FORM_TYPE;
}

/** A body the parsers would silently skip (text/plain, XML, multipart) is a 415, not an empty DTO. */
export const requireKnownContentType: Middleware = (req, _res, next) => {
  if (
    !METHODS_WITH_BODY.has(req.method ?? '') ||
    !hasBody(req) ||
    isAcceptedContentType(req.headers['content-type'])
  ) {
    return next();
  }
  next(
    new DomainError(
      'unsupported_media_type',
      `Content-Type ${req.headers['content-type'] ?? '(none)'} is not supported; send application/json.`,
    ),
  );
};

/** Turns body-parser failures (too large, malformed JSON) into DomainErrors before Nest rewrites them. */
export function mapBodyParserErrors(
  err: unknown,
  _req: HttpRequest,
  _res: HttpResponse,
  next: (e?: unknown) => void,
): void {
  next(bodyParserErrorOf(err) ?? err);
}

// Unpaired UTF-16 surrogates (no text at all) and NUL (Postgres stores neither in text or jsonb).
// eslint-disable-next-line no-control-regex -- NUL is exactly what is looked for
const UNSTORABLE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]|\u0000/;

/** No Kefu payload nests deeper; deeper JSON only feeds recursive validators' stacks. */
export const MAX_BODY_DEPTH = 32;

/** The first string (key or value) of a parsed body with an unpaired surrogate or NUL, if any. */
export function findUnpairedSurrogate(body: unknown): string | undefined {
  const found = inspectBody(body);
  return found?.kind === 'unicode' ? found.value : undefined;
}

/** What is wrong with a parsed JSON body: an unpaired surrogate, or nesting beyond MAX_BODY_DEPTH. */
export function inspectBody(
  body: unknown,
): { kind: 'unicode'; value: string } | { kind: 'depth' } | undefined {
  const stack: Array<[unknown, number]> = [[body, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) return { kind: 'unicode', value: v };
    } else if (v && typeof v === 'object') {
      if (depth >= MAX_BODY_DEPTH) return { kind: 'depth' };
      for (const [k, x] of Object.entries(v)) {
        if (UNSTORABLE.test(k)) return { kind: 'unicode', value: k };
        stack.push([x, depth + 1]);
      }
    }
  }
  return undefined;
}

/**
 * Refused here, once, for REST and GraphQL alike (400 instead of a failed write or a blown stack):
 * JSON may escape a lone surrogate ("\ud800"), which is no text and which Postgres refuses in jsonb;
 * and JSON nested thousands deep overflows recursive validators.
 */
export const refuseInvalidUnicode: Middleware = (req, _res, next) => {
  const found = req.body === undefined ? undefined : inspectBody(req.body);
  if (!found) return next();
  next(
    found.kind === 'unicode'
      ? DomainError.validation(
          [
            {
              field: 'body',
              message: 'contains an unpaired UTF-16 surrogate or a NUL character (not storable text)',
            },
          ],
          'The request body contains text that is not valid Unicode or contains NUL.',
        )
      : DomainError.validation(
          [{ field: 'body', message: `nested deeper than ${MAX_BODY_DEPTH} levels` }],
          'The request body is nested too deeply.',
        ),
  );
};
