import { Injectable, NestMiddleware } from '@nestjs/common';
import { RequestContext } from '../context/request-context';
import { HttpRequest, HttpResponse } from '../http/http-types';
import { ensureCorrelationId } from './correlation-id';

/** Runs the rest of the request inside RequestContext, so event metadata and logs carry its id. */
@Injectable()
export class CorrelationMiddleware implements NestMiddleware<HttpRequest, HttpResponse> {
  use(req: HttpRequest, res: HttpResponse, next: (err?: unknown) => void): void {
    const correlationId = ensureCorrelationId(req, res);
    const current = RequestContext.current();
    if (current?.correlationId === correlationId) return next();
    RequestContext.run({ correlationId }, () => next());
  }
}
