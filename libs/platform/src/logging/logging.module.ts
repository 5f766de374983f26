import {
  DynamicModule,
  MiddlewareConsumer,
  Module,
  NestModule,
  OnModuleInit,
  RequestMethod,
} from '@nestjs/common';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type { Options } from 'pino-http';
import { AppConfig } from '../config/config';
import { RequestContext } from '../context/request-context';
import { ensureCorrelationId } from './correlation-id';
import { CorrelationMiddleware } from './correlation.middleware';
import { deferRequestBindings } from './lazy-request-logger';
import { REDACT_CENSOR, redactPaths } from './redaction';

export const ALL_ROUTES = { path: '{*splat}', method: RequestMethod.ALL };

// Probes and scrapes would drown the access log.
const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

/** pino-http settings: JSON lines, the correlation id on every line, secrets and personal data redacted. */
export function pinoHttpOptions(config: AppConfig): Options {
  return {
    level: config.logLevel,
    redact: { paths: redactPaths(), censor: REDACT_CENSOR },
    genReqId: (req, res) => ensureCorrelationId(req, res),
    quietReqLogger: true,
    // Lines logged outside pino-http's request logger (jobs, consumers) still carry the id.
    mixin: () => {
      const correlationId = RequestContext.current()?.correlationId;
      return correlationId ? { correlationId } : {};
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
    autoLogging: { ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0]) },
  };
}

/** nestjs-pino for the whole app, plus the middleware that opens the RequestContext. */
@Module({})
export class LoggingModule implements NestModule, OnModuleInit {
  static forRoot(): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({ pinoHttp: pinoHttpOptions(config), forRoutes: [ALL_ROUTES] }),
        }),
      ],
      providers: [CorrelationMiddleware],
      exports: [LoggerModule],
    };
  }

  // nestjs-pino has made pino-http's logger (PinoLogger.root) when it registered its middleware,
  // which Nest does before any onModuleInit; requests come later still.
  onModuleInit(): void {
    if (PinoLogger.root) deferRequestBindings(PinoLogger.root);
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationMiddleware).forRoutes(ALL_ROUTES);
  }
}
