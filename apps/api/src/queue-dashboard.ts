import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  AppConfig,
  AuthFailureLimiter,
  AuthService,
  DomainError,
  HttpRequest,
  HttpResponse,
  PROBLEM_CONTENT_TYPE,
  QueueName,
  ensureCorrelationId,
  problemOf,
} from '@kefu/platform';

export const DASHBOARD_PATH = '/admin/queues';
const COOKIE = 'kefu_dashboard';

const LOGIN_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Kefu queues</title></head>
<body><h1>Kefu queues</h1><p>Paste an admin bearer token (it is kept in an HttpOnly cookie for this path only).</p>
<form method="post" action="${DASHBOARD_PATH}/login"><textarea name="token" rows="6" cols="80" required></textarea>
<p><button type="submit">Open the dashboard</button></p></form></body></html>`;

function cookieToken(req: HttpRequest): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

function sendProblem(req: HttpRequest, res: HttpResponse, e: unknown): void {
  const p = problemOf(e, ensureCorrelationId(req, res));
  res.statusCode = p.status;
  for (const [k, v] of Object.entries(p.headers)) res.setHeader(k, v);
  res.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
  res.end(JSON.stringify(p.body));
}

/**
 * The BullMQ dashboard (bull-board) at /admin/queues, for admins only: a bearer token or the
 * HttpOnly, SameSite=Strict cookie set by its login form (browsers cannot send a bearer header
 * while navigating). Failed logins count against the auth-failure limit like any 401. Mounted
 * before Nest's routes; its own Redis connection, closed with the app.
 */
export function mountQueueDashboard(app: NestExpressApplication, config: AppConfig): void {
  if (!config.queueDashboard) return;
  const auth = app.get(AuthService);
  const limiter = app.get(AuthFailureLimiter);
  const connection = new Redis(config.redisUrl, {
    maxRetriesPerRequest: null,
    connectionName: 'kefu-dashboard',
  });
  connection.on('error', () => undefined); // the dashboard shows the outage; the API does not care
  const queues = Object.values(QueueName).map(
    (name) => new Queue(name, { connection, prefix: config.queuePrefix }),
  );
  const adapter = new ExpressAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter });

  const admit = async (req: HttpRequest, token: string | undefined): Promise<void> => {
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    await limiter.assertAllowed(ip);
    try {
      const principal = token ? await auth.fromCredentials(`Bearer ${token}`) : undefined;
      if (!principal) throw new DomainError('unauthenticated', 'Sign in with an admin token.');
      if (principal.kind !== 'user' || principal.role !== 'admin')
        throw DomainError.forbidden('Only admins may see the queues.');
    } catch (e) {
      if (e instanceof DomainError && e.code === 'unauthenticated') await limiter.recordFailure(ip);
      throw e;
    }
  };
  const bearerOf = (req: HttpRequest) => /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];

  app.use(`${DASHBOARD_PATH}/login`, (req: HttpRequest, res: HttpResponse, next: (e?: unknown) => void) => {
    if (req.method === 'GET') {
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      res.end(LOGIN_PAGE);
      return;
    }
    if (req.method !== 'POST') return next();
    const token = (req.body as { token?: unknown } | undefined)?.token;
    const value = typeof token === 'string' ? token.trim() : undefined;
    admit(req, value).then(
      () => {
        const secure = (req as HttpRequest & { secure?: boolean }).secure ? '; Secure' : '';
        res.setHeader(
          'Set-Cookie',
          `${COOKIE}=${encodeURIComponent(value!)}; Path=${DASHBOARD_PATH}; HttpOnly; SameSite=Strict${secure}`,
        );
        res.statusCode = 303;
        res.setHeader('Location', `${DASHBOARD_PATH}/`);
        res.end();
      },
      (e: unknown) => sendProblem(req, res, e),
    );
  });
  app.use(DASHBOARD_PATH, (req: HttpRequest, res: HttpResponse, next: (e?: unknown) => void) => {
    admit(req, bearerOf(req) ?? cookieToken(req)).then(
      () => next(),
      (e: unknown) => sendProblem(req, res, e),
    );
  });
  app.use(
    DASHBOARD_PATH,
    adapter.getRouter() as (req: HttpRequest, res: HttpResponse, next: () => void) => void,
  );
  app.get(DashboardShutdown, { strict: false }).track(queues, connection);
}

/** Closes the dashboard's queues and connection with the app. */
@Injectable()
export class DashboardShutdown implements OnApplicationShutdown {
  private closing: Array<() => Promise<unknown>> = [];

  track(queues: Queue[], connection: Redis): void {
    this.closing.push(async () => {
      await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
      await connection.quit().catch(() => connection.disconnect());
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.closing.splice(0).map((c) => c()));
  }
}
