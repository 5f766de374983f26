import { Body, Controller, Module, Param, Post, Res } from '@nestjs/common';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ServerResponse } from 'node:http';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CommandRunner, IdempotencyKey, IdempotencyRequest, Roles } from '@kefu/platform';
import { Decider, STAFF_ROLES } from '@kefu/kernel';
import { openDataSource } from '@kefu/test-fixtures';
import { ApiTestApp, startApiApp } from './support/api-app';

// A trivial aggregate: a counter that is incremented.
type CounterEvent = { type: 'CounterIncremented'; data: { by: number } };
const counterDecider: Decider<{ total: number }, { by: number }, CounterEvent> = {
  initialState: () => ({ total: 0 }),
  evolve: (s, e) => ({ total: s.total + e.data.by }),
  decide: (c) => [{ type: 'CounterIncremented', data: { by: c.by } }],
};

class IncrementDto {
  @IsInt() @Min(1) by!: number;
  /** Keeps the transaction open a while, so concurrent duplicates really overlap. */
  @IsOptional() @IsInt() @Min(0) @Max(2000) holdMs?: number;
}

@Controller('test/counters')
class CountersController {
  constructor(private readonly runner: CommandRunner) {}

  @Post(':id/increments')
  @Roles(...STAFF_ROLES)
  async increment(
    @Param('id') id: string,
    @Body() body: IncrementDto,
    @IdempotencyKey() idempotency: IdempotencyRequest | undefined,
    @Res({ passthrough: true }) res: ServerResponse,
  ): Promise<{ id: string; total: number; version: number; at: string }> {
    const r = await this.runner.handle({
      streamType: 'counter',
      streamId: `counter-${id}`,
      decider: counterDecider,
      command: { by: body.by },
      idempotency,
      successStatus: 201,
      respond: async (tx, { state, version }) => {
        if (body.holdMs) await tx.execute(`SELECT pg_sleep($1)`, [body.holdMs / 1000]);
        return { id, total: state.total, version, at: new Date().toISOString() };
      },
    });
    if (r.replayed) res.setHeader('Idempotent-Replayed', 'true');
    return r.result;
  }
}

@Module({ controllers: [CountersController] })
class CountersModule {}

describe('Idempotency-Key over HTTP (e2e)', () => {
  let t: ApiTestApp;
  let ds: DataSource;
  let agent: string;

  const eventsOf = async (id: string) =>
    Number(
      (await ds.query(`SELECT count(*)::int AS n FROM es_events WHERE stream_id = $1`, [`counter-${id}`]))[0]
        .n,
    );
  const post = (id: string, body: object, key?: string, auth = agent) => {
    const r = request(t.server).post(`/test/counters/${id}/increments`).set('Authorization', auth);
    if (key !== undefined) void r.set('Idempotency-Key', key);
    return r.send(body);
  };

  beforeAll(async () => {
    t = await startApiApp({ imports: [CountersModule] });
    ds = await openDataSource(t.db);
    agent = t.bearer({ sub: 'a-1', role: 'agent' });
  });
  afterAll(async () => {
    await ds?.destroy();
    await t?.close();
  });

  it('replays the first response for the same key and body, appending once', async () => {
    const first = await post('c1', { by: 2 }, 'key-1').expect(201);
    expect(first.body).toMatchObject({ id: 'c1', total: 2, version: 1 });
    const again = await post('c1', { by: 2 }, 'key-1').expect(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await eventsOf('c1')).toBe(1);
    // Without a key every call is a new command.
    await post('c1', { by: 2 }).expect(201);
    await post('c1', { by: 2 }).expect(201);
    expect(await eventsOf('c1')).toBe(3);
  });

  it('runs five concurrent duplicates once, all answering the same body', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => post('c2', { by: 5, holdMs: 300 }, 'key-concurrent')),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    for (const r of results) expect(r.body).toEqual(results[0].body);
    expect(results.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(4);
    expect(await eventsOf('c2')).toBe(1);
  });

  it('refuses the same key with another body or another target with 422 idempotency_key_reused', async () => {
    await post('c3', { by: 1 }, 'key-3').expect(201);
    for (const [id, body] of [
      ['c3', { by: 9 }],
      ['c3-other', { by: 1 }],
    ] as const) {
      const r = await post(id, body, 'key-3').expect(422);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({
        type: 'https://kefu.dev/problems/idempotency-key-reused',
        status: 422,
        code: 'idempotency_key_reused',
      });
    }
    expect(await eventsOf('c3')).toBe(1);
    expect(await eventsOf('c3-other')).toBe(0);
  });

  it('keeps keys apart per caller', async () => {
    await post('c4', { by: 1 }, 'shared-key').expect(201);
    const other = await post('c4', { by: 1 }, 'shared-key', t.bearer({ sub: 'a-2', role: 'agent' })).expect(
      201,
    );
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(await eventsOf('c4')).toBe(2);
  });

  it('refuses malformed keys with 400', async () => {
    for (const key of ['has space', 'x'.repeat(256), 'tab\there']) {
      const r = await post('c5', { by: 1 }, key).expect(400);
      expect(r.body).toMatchObject({
        code: 'validation_failed',
        errors: [{ field: 'Idempotency-Key', message: expect.any(String) }],
      });
    }
    expect(await eventsOf('c5')).toBe(0);
  });
});
