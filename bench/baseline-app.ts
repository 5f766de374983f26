import {
  BadRequestException,
  Body,
  Controller,
  DynamicModule,
  Get,
  HttpCode,
  Inject,
  Injectable,
  Module,
  OnApplicationShutdown,
  Post,
  Query,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { deriveKek, openValue, parseSealed, unwrapDataKey } from '@kefu/platform';

/**
 * The benchmark's floor: a plain NestJS 11 + Express app with one controller over a `pg.Pool`
 * (no TypeORM, no event store, no auth, no class-validator), on the same Postgres as the API.
 */
export const BASELINE_POOL = Symbol('BASELINE_POOL');

export interface BaselineOptions {
  databaseUrl: string;
  poolSize: number;
  /** PII_MASTER_KEY: the page opens the customers' sealed names as the API does. */
  piiMasterKey: Buffer;
}
export const BASELINE_KEK = Symbol('BASELINE_KEK');

/** The table POST /baseline writes to; created by the benchmark next to the API's tables. */
export const BASELINE_TABLE_SQL = `CREATE TABLE IF NOT EXISTS bench_tickets (
  id uuid PRIMARY KEY,
  body jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now())`;

interface TicketBody {
  subject: string;
  description: string;
  category: string;
  customer: { id: string };
}

// "Nothing fancy": the fields a ticket cannot do without, and their types.
function isTicketBody(b: unknown): b is TicketBody {
  if (typeof b !== 'object' || b === null) return false;
  const o = b as Record<string, unknown>;
  const c = o.customer as Record<string, unknown> | undefined;
  return (
    typeof o.subject === 'string' &&
    typeof o.description === 'string' &&
    typeof o.category === 'string' &&
    typeof c === 'object' &&
    c !== null &&
    typeof c.id === 'string'
  );
}

interface PageRow {
  id: string;
  number: string;
  subject: string;
  status: string;
  priority: string;
  assignee_id: string | null;
  customer: { id: string; name?: string };
  sla: { firstResponse: SlaTarget | null; resolution: SlaTarget | null } | null;
  updated_at: Date;
}

interface SlaTarget {
  status: string;
  dueAt: string | null;
}

const slaTarget = (t: SlaTarget | null | undefined) =>
  t ? { status: t.status.toUpperCase(), dueAt: t.dueAt && new Date(t.dueAt).toISOString() } : null;

const PAGE = 50;

@Controller('baseline')
class BaselineController {
  constructor(
    @Inject(BASELINE_POOL) private readonly pool: Pool,
    @Inject(BASELINE_KEK) private readonly kek: Buffer,
  ) {}

  /** The customers' names, opened with their data keys (one query for the page's keys). */
  private async names(rows: PageRow[]): Promise<Map<string, string | null>> {
    const sealed = rows.flatMap((r) => {
      const ref = r.customer.name ? parseSealed(r.customer.name) : undefined;
      return ref ? [{ value: r.customer.name!, ref }] : [];
    });
    const out = new Map<string, string | null>();
    if (sealed.length === 0) return out;
    const keys = await this.pool.query<{ subject_id: string; generation: number; wrapped_key: string }>(
      `SELECT subject_id, generation, wrapped_key FROM pii_data_keys
        WHERE subject_id = ANY($1::text[]) AND wrapped_key IS NOT NULL`,
      [[...new Set(sealed.map((s) => s.ref.subjectId))]],
    );
    const byRef = new Map(
      keys.rows.map((k) => [
        `${k.subject_id}#${k.generation}`,
        unwrapDataKey(this.kek, k.wrapped_key, k.subject_id, k.generation),
      ]),
    );
    for (const s of sealed) {
      const key = byRef.get(`${s.ref.subjectId}#${s.ref.generation}`);
      out.set(s.value, key ? openValue(key, s.value) : '[erased]');
    }
    return out;
  }

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown): Promise<Record<string, unknown>> {
    if (!isTicketBody(body))
      throw new BadRequestException('subject, description, category and customer.id are required');
    const id = randomUUID();
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const r = await c.query<{ created_at: Date }>(
        'INSERT INTO bench_tickets (id, body, created_at) VALUES ($1, $2, now()) RETURNING created_at',
        [id, JSON.stringify(body)],
      );
      await c.query('COMMIT');
      return { id, ...body, status: 'new', createdAt: r.rows[0].created_at.toISOString(), version: 1 };
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  /** The first page of a ticket list with assignees, as the GraphQL `tickets` query answers it. */
  @Get('tickets')
  async tickets(
    @Query('status') status?: string,
    @Query('tag') tag?: string,
    @Query('text') text?: string,
  ): Promise<Record<string, unknown>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (status) {
      params.push(status.split(','));
      where.push(`status = ANY($${params.length})`);
    }
    if (tag) {
      params.push([tag]);
      where.push(`tags @> $${params.length}::text[]`);
    }
    if (text) {
      params.push(`%${text.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
      where.push(`search_text LIKE $${params.length}`);
    }
    params.push(PAGE + 1);
    const rows = (
      await this.pool.query<PageRow>(
        `SELECT id, number, subject, status, priority, assignee_id, customer, sla, updated_at FROM ticket_view
          WHERE ${where.length ? where.join(' AND ') : 'true'}
          ORDER BY updated_at DESC, id DESC LIMIT $${params.length}`,
        params,
      )
    ).rows;
    const page = rows.slice(0, PAGE);
    const assigneeIds = [...new Set(page.map((r) => r.assignee_id).filter((a): a is string => a !== null))];
    const agents = new Map<string, { id: string; name: string }>();
    if (assigneeIds.length) {
      const a = await this.pool.query<{ id: string; name: string }>(
        `SELECT id, name FROM agent_view WHERE id = ANY($1)`,
        [assigneeIds],
      );
      for (const r of a.rows) agents.set(r.id, r);
    }
    const names = await this.names(page);
    const edges = page.map((r) => ({
      cursor: Buffer.from(JSON.stringify(['updated_at', r.updated_at.toISOString(), r.id])).toString(
        'base64url',
      ),
      node: {
        id: r.id,
        number: r.number,
        subject: r.subject,
        status: r.status.toUpperCase(),
        priority: r.priority.toUpperCase(),
        assignee: r.assignee_id ? (agents.get(r.assignee_id) ?? null) : null,
        customer: {
          id: r.customer.id,
          name: r.customer.name ? (names.get(r.customer.name) ?? r.customer.name) : null,
        },
        sla: {
          firstResponse: slaTarget(r.sla?.firstResponse),
          resolution: slaTarget(r.sla?.resolution),
        },
      },
    }));
    return {
      data: {
        tickets: {
          edges,
          pageInfo: { hasNextPage: rows.length > PAGE, endCursor: edges[edges.length - 1]?.cursor ?? null },
        },
      },
    };
  }
}

@Injectable()
class PoolCloser implements OnApplicationShutdown {
  constructor(@Inject(BASELINE_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

@Module({})
export class BaselineModule {
  static forRoot(opts: BaselineOptions): DynamicModule {
    return {
      module: BaselineModule,
      controllers: [BaselineController],
      providers: [
        {
          provide: BASELINE_POOL,
          useFactory: () =>
            new Pool({
              connectionString: opts.databaseUrl,
              max: opts.poolSize,
              application_name: 'kefu-bench-baseline',
            }),
        },
        { provide: BASELINE_KEK, useValue: deriveKek(opts.piiMasterKey) },
        PoolCloser,
      ],
    };
  }
}

/** The baseline app on Express with Nest's default JSON body parser; the caller listens. */
export async function createBaselineApp(opts: BaselineOptions): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(BaselineModule.forRoot(opts), {
    logger: ['error'],
    abortOnError: false,
  });
  app.disable('x-powered-by');
  return app;
}
