import { Injectable } from '@nestjs/common';
import { Histogram, Registry } from 'prom-client';
import { HttpRequest, Middleware } from '../http/http-types';

export const GRAPHQL_PATH = '/graphql';
const UNMATCHED = '(unmatched)';

/** http_request_duration_seconds{method, route, status}; route is the pattern, never the raw URL. */
@Injectable()
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  /** Registered before the body parsers (configureHttpApp), so refused bodies are counted too. */
  readonly middleware: Middleware = (req, res, next) => {
    const stop = this.duration.startTimer();
    res.once('finish', () =>
      stop({ method: req.method ?? 'GET', route: routeOf(req), status: String(res.statusCode) }),
    );
    next();
  };
}

// Unknown paths share one label: raw URLs would let any client create unbounded series.
// A wildcard route is the app-wide middleware's (Nest registers it as a route), not a handler.
function routeOf(req: HttpRequest): string {
  const pattern = req.route?.path;
  if (pattern && !pattern.includes('*')) return pattern;
  const path = (req.originalUrl ?? req.url ?? '').split('?')[0];
  return path === GRAPHQL_PATH || path.startsWith(`${GRAPHQL_PATH}/`) ? GRAPHQL_PATH : UNMATCHED;
}
