import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { GqlContextType } from '@nestjs/graphql';
import { RequestContext } from '../context/request-context';
import { CORRELATION_HEADER, ensureCorrelationId } from '../logging/correlation-id';
import { HttpRequest, HttpResponse } from './http-types';
import { PROBLEM_CONTENT_TYPE, problemOf } from './problem';

/**
 * The one REST exception filter: everything thrown becomes application/problem+json. GraphQL errors
 * pass through untouched (formatError shapes them); unknown errors are logged with their cause and
 * answered with the correlation id only.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<GqlContextType>() === 'graphql') return exception;
    if (host.getType() !== 'http') return exception;
    const http = host.switchToHttp();
    const req = http.getRequest<HttpRequest>();
    const res = http.getResponse<HttpResponse>();
    const correlationId = RequestContext.current()?.correlationId ?? ensureCorrelationId(req, res);
    const problem = problemOf(exception, correlationId);
    const where = {
      correlationId,
      method: req.method,
      url: req.originalUrl ?? req.url,
      status: problem.status,
    };
    if (problem.unexpected) this.logger.error({ ...where, err: exception }, 'request failed unexpectedly');
    else this.logger.debug({ ...where, code: problem.body.code }, problem.body.detail);

    if (res.headersSent) {
      // Too late for a problem document: cut the response so the client sees a failure.
      res.destroy();
      return undefined;
    }
    for (const [name, value] of Object.entries(problem.headers)) {
      if (!res.hasHeader(name)) res.setHeader(name, value);
    }
    if (problem.status === 401 && !res.hasHeader('WWW-Authenticate')) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="kefu"');
    }
    res.setHeader(CORRELATION_HEADER, correlationId);
    res.statusCode = problem.status;
    res.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
    res.end(JSON.stringify(problem.body));
    return undefined;
  }
}
