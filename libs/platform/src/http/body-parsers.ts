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
