import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsOptional, IsString, ValidateNested } from 'class-validator';
import request from 'supertest';
import { RequestContext, Roles } from '@kefu/platform';
import { STAFF_ROLES } from '@kefu/kernel';
import { ApiTestApp, startApiApp } from './support/api-app';

class CustomerDto {
  @IsString() id!: string;
  @IsOptional() @IsString() name?: string;
}
class ProbeDto {
  @IsString() subject!: string;
  @ValidateNested() @Type(() => CustomerDto) customer!: CustomerDto;
}

@Controller('test/probe')
class ProbeController {
  @Post()
  @Roles(...STAFF_ROLES)
  create(@Body() body: ProbeDto): { subject: string; customerId: string } {
    return { subject: body.subject, customerId: body.customer.id };
  }

  @Get('admin')
  @Roles('admin')
  admin(): { ok: true } {
    return { ok: true };
  }

  @Get('crash')
  crash(): never {
    throw new Error('db said: password=hunter2');
  }

  @Get('context')
  context(): unknown {
    return RequestContext.current();
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PROBLEM = /^application\/problem\+json/;

describe('HTTP platform (e2e)', () => {
  let t: ApiTestApp;
  let agent: string;

  beforeAll(async () => {
    t = await startApiApp({ imports: [ProbeModule] });
    agent = t.bearer({ sub: 'a-1', role: 'agent', name: 'Ann' });
  });
  afterAll(() => t?.close());

  describe('health, metrics, docs', () => {
    it('GET /health/live answers ok with a fresh or echoed request id', async () => {
      const r = await request(t.server).get('/health/live').expect(200);
      expect(r.body).toEqual({ status: 'ok' });
      expect(r.headers['x-request-id']).toMatch(UUID);
      const echoed = await request(t.server)
        .get('/health/live')
        .set('X-Request-Id', 'trace-abc.1')
        .expect(200);
      expect(echoed.headers['x-request-id']).toBe('trace-abc.1');
      const viaCorrelation = await request(t.server)
        .get('/health/live')
        .set('X-Correlation-Id', 'corr-7')
        .expect(200);
      expect(viaCorrelation.headers['x-request-id']).toBe('corr-7');
      const insane = await request(t.server)
        .get('/health/live')
        .set('X-Request-Id', 'x'.repeat(129))
        .expect(200);
      expect(insane.headers['x-request-id']).toMatch(UUID);
    });

    it('GET /health/ready reports Postgres and Redis up', async () => {
      const r = await request(t.server).get('/health/ready').expect(200);
      expect(r.body).toEqual({ status: 'ok', checks: { postgres: 'up', redis: 'up' } });
    });

    it('GET /metrics exposes the request histogram by route pattern and the process metrics', async () => {
      await request(t.server).get('/health/live').expect(200);
      await request(t.server).get('/no/such/route/42').expect(404);
      const r = await request(t.server).get('/metrics').expect(200);
      expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(r.text).toContain('# TYPE http_request_duration_seconds histogram');
      expect(r.text).toMatch(
        /http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/health\/live",status="200"\}/,
      );
      expect(r.text).toMatch(
        /http_request_duration_seconds_count\{method="GET",route="\(unmatched\)",status="404"\}/,
      );
      expect(r.text).not.toContain('/no/such/route');
      expect(r.text).toContain('process_cpu_user_seconds_total');
    });

    it('serves the OpenAPI UI at /docs and the document at /openapi.json', async () => {
      const ui = await request(t.server).get('/docs').redirects(1).expect(200);
      expect(ui.headers['content-type']).toMatch(/text\/html/);
      const doc = await request(t.server).get('/openapi.json').expect(200);
      expect(doc.body.info.title).toBe('Kefu');
      expect(doc.body.components.securitySchemes).toEqual({
        bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
        apiKey: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }),
      });
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining(['/health/live', '/health/ready', '/test/probe']),
      );
    });
  });

  describe('problem+json', () => {
    it('401 without or with an invalid token', async () => {
      for (const auth of [undefined, 'Bearer not-a-jwt', 'Basic dXNlcjpwYXNz']) {
        const req = request(t.server).get('/test/probe/context');
        if (auth) void req.set('Authorization', auth);
        const r = await req.expect(401);
        expect(r.headers['content-type']).toMatch(PROBLEM);
        expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(r.body).toEqual({
          type: 'https://kefu.dev/problems/unauthenticated',
          title: 'Unauthorized',
          status: 401,
          detail: expect.any(String),
          code: 'unauthenticated',
          correlationId: r.headers['x-request-id'],
        });
      }
    });

    it('403 when the role is not allowed', async () => {
      const r = await request(t.server).get('/test/probe/admin').set('Authorization', agent).expect(403);
      expect(r.headers['content-type']).toMatch(PROBLEM);
      expect(r.body).toMatchObject({ status: 403, code: 'forbidden', title: 'Forbidden' });
      await request(t.server)
        .get('/test/probe/admin')
        .set('Authorization', t.bearer({ sub: 'boss', role: 'admin' }))
        .expect(200, { ok: true });
    });

    it('404 for an unknown route', async () => {
      const r = await request(t.server).get('/v1/nothing-here').set('Authorization', agent).expect(404);
      expect(r.headers['content-type']).toMatch(PROBLEM);
      expect(r.body).toMatchObject({
        type: 'https://kefu.dev/problems/not-found',
        status: 404,
        code: 'not_found',
      });
    });

    it('400 for malformed JSON', async () => {
      const r = await request(t.server)
        .post('/test/probe')
        .set('Authorization', agent)
        .set('Content-Type', 'application/json')
        .send('{"subject": ')
        .expect(400);
      expect(r.headers['content-type']).toMatch(PROBLEM);
      expect(r.body).toMatchObject({
        code: 'validation_failed',
        detail: 'The request body is not valid JSON.',
      });
    });

    it('400 with nested field paths for invalid bodies, unknown fields refused', async () => {
      const r = await request(t.server)
        .post('/test/probe')
        .set('Authorization', agent)
        .send({ subject: 's', customer: { id: 5 }, extra: true })
        .expect(400);
      expect(r.body.code).toBe('validation_failed');
      expect(r.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['customer.id', 'extra']);
      await request(t.server)
        .post('/test/probe')
        .set('Authorization', agent)
        .send({ subject: 's', customer: { id: 'c-1' } })
        .expect(201, { subject: 's', customerId: 'c-1' });
    });

    it('413 for bodies over 1 MiB, on REST and on /graphql', async () => {
      const big = JSON.stringify({ subject: 'x'.repeat(1.1 * 1024 * 1024), customer: { id: 'c' } });
      for (const path of ['/test/probe', '/graphql']) {
        const r = await request(t.server)
          .post(path)
          .set('Authorization', agent)
          .set('Content-Type', 'application/json')
          .send(big)
          .expect(413);
        expect(r.headers['content-type']).toMatch(PROBLEM);
        expect(r.body).toMatchObject({
          status: 413,
          code: 'payload_too_large',
          correlationId: r.headers['x-request-id'],
        });
      }
    });

    it('415 for a body the parsers do not read', async () => {
      const r = await request(t.server)
        .post('/test/probe')
        .set('Authorization', agent)
        .set('Content-Type', 'text/plain')
        .send('subject=hello')
        .expect(415);
      expect(r.body).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    });

    it('500 for unknown errors carries only the correlation id', async () => {
      const r = await request(t.server).get('/test/probe/crash').set('Authorization', agent).expect(500);
      expect(r.headers['content-type']).toMatch(PROBLEM);
      expect(Object.keys(r.body).sort()).toEqual([
        'code',
        'correlationId',
        'detail',
        'status',
        'title',
        'type',
      ]);
      expect(r.body).toMatchObject({ code: 'internal_error', correlationId: r.headers['x-request-id'] });
      expect(r.text).not.toContain('hunter2');
      expect(r.text).not.toMatch(/\.ts:\d+/);
    });
  });

  it('runs the request inside RequestContext with the correlation id and the actor', async () => {
    const r = await request(t.server)
      .get('/test/probe/context')
      .set('Authorization', agent)
      .set('X-Request-Id', 'trace-42')
      .expect(200);
    expect(r.body).toEqual({
      correlationId: 'trace-42',
      actor: { kind: 'agent', id: 'a-1', name: 'Ann', role: 'agent' },
    });
  });
});
