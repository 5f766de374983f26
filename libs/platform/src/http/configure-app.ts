import { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig } from '../config/config';
import { ensureCorrelationId } from '../logging/correlation-id';
import { HttpMetrics } from '../metrics/http-metrics';
import {
  BODY_LIMIT,
  JSON_TYPES,
  mapBodyParserErrors,
  refuseInvalidUnicode,
  requireKnownContentType,
} from './body-parsers';
import { Middleware } from './http-types';
import { setupOpenApi } from './openapi';
import { ProblemFilter } from './problem.filter';
import { createValidationPipe } from './validation';

// Proxies on private networks (load balancers, ingress) are trusted for X-Forwarded-*.
const TRUSTED_PROXIES = 'loopback, linklocal, uniquelocal';

/**
 * The HTTP pipeline of every Kefu HTTP app, applied once by main.ts and by e2e tests alike. Create
 * the app with `bodyParser: false`: the parsers are registered here, after the correlation id and
 * the request metrics, so that even a refused body is counted and answered with its id.
 */
// `_config` is part of the signature so HTTP settings can come from config without touching callers.
export function configureHttpApp(app: NestExpressApplication, _config: AppConfig): NestExpressApplication {
  app.set('trust proxy', TRUSTED_PROXIES);
  app.disable('x-powered-by');

  const correlation: Middleware = (req, res, next) => {
    ensureCorrelationId(req, res);
    next();
  };
  app.use(correlation);
  app.use(app.get(HttpMetrics, { strict: false }).middleware);
  app.use(requireKnownContentType);
  app.useBodyParser('json', { limit: BODY_LIMIT, type: JSON_TYPES });
  app.useBodyParser('urlencoded', { limit: BODY_LIMIT, extended: true });
  app.use(mapBodyParserErrors);
  app.use(refuseInvalidUnicode);

  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  setupOpenApi(app);
  return app;
}
