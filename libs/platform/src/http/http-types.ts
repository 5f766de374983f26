import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/principal';

/**
 * The parts of an Express request Kefu reads. Structural on purpose: no @types/express is installed,
 * and the platform code needs only these few fields.
 */
export interface HttpRequest extends IncomingMessage {
  originalUrl?: string;
  /** The matched route; `path` is the pattern (`/v1/tickets/:id`). */
  route?: { path?: string };
  params?: Record<string, string>;
  body?: unknown;
  ip?: string;
  /** Set by the AuthGuard. */
  principal?: Principal;
}

export type HttpResponse = ServerResponse;

/** Express-style middleware, typed on Node's own request/response. */
export type Middleware = (req: HttpRequest, res: HttpResponse, next: (err?: unknown) => void) => void;
