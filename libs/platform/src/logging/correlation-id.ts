import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const CORRELATION_HEADER = 'X-Request-Id';
const INCOMING_HEADERS = ['x-request-id', 'x-correlation-id'] as const;

// Echoed into a response header and into logs: printable ASCII only, no spaces, bounded.
const SANE = /^[\x21-\x7e]{1,128}$/;

export function isSaneCorrelationId(v: unknown): v is string {
  return typeof v === 'string' && SANE.test(v);
}

/** The caller's id when it is sane, else a fresh UUID. */
export function correlationIdFromHeaders(headers: IncomingMessage['headers']): string {
  for (const name of INCOMING_HEADERS) {
    const raw = headers[name];
    const v = Array.isArray(raw) ? raw[0] : raw;
    if (isSaneCorrelationId(v)) return v;
  }
  return randomUUID();
}

const assigned = new WeakMap<IncomingMessage, string>();

/**
 * The request's correlation id, decided once and echoed in X-Request-Id. Idempotent: pino-http's
 * genReqId, the context middleware and the error filter all call it, in whatever order they run.
 */
export function ensureCorrelationId(req: IncomingMessage, res?: ServerResponse): string {
  let id = assigned.get(req);
  if (!id) {
    id = correlationIdFromHeaders(req.headers);
    assigned.set(req, id);
  }
  if (res && !res.headersSent && !res.hasHeader(CORRELATION_HEADER)) res.setHeader(CORRELATION_HEADER, id);
  return id;
}
