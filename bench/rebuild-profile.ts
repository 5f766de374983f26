import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '@kefu/migrations';
import {
  loadConfig,
  typeOrmOptions,
  CommandRunner,
  EventStore,
  PiiVault,
  Principal,
  ProjectionRegistry,
  rebuildProjections,
} from '@kefu/platform';
import { TicketQueries, TicketsService, TicketViewProjection } from '@kefu/tickets';
import { ProjectionsCliModule } from '../apps/cli/src/projections.module';

// The projection rebuild alone, to profile it (`node --cpu-prof`) without the rest of the pipeline
// benchmark: BENCH_REBUILD_EVENTS events (default 50000) in a database of its own (kept between runs
// with BENCH_REBUILD_DB=<name>), made of 200 real ticket histories (open, replies, a note, tags,
// priority, solve, reopen) copied with new ids and numbers, as pipeline.bench.ts does. Prints the
// plain read of the log (pages of 1000 by global_position, the floor of any replay) and the rebuild
// of every registered projection (what `npm run cli -- projections rebuild` runs), as a ratio.
//
//   npx tsc -p tsconfig.bench.json && npx tsc-alias -p tsconfig.bench.json && node --cpu-prof --cpu-prof-dir=/tmp/prof dist-bench/bench/rebuild-profile.js

async function main(): Promise<void> {
  const target = Number(process.env.BENCH_REBUILD_EVENTS ?? 50_000);
  const base = loadConfig();
  const database = process.env.BENCH_REBUILD_DB ?? `kefu_bench_rebuild_${Date.now()}`;
  const keep = Boolean(process.env.BENCH_REBUILD_DB);
  const adminUrl = new URL(base.databaseUrl);
  adminUrl.pathname = '/postgres';
  const dbUrl = new URL(base.databaseUrl);
  dbUrl.pathname = `/${database}`;
  const config = base.with({ databaseUrl: dbUrl.toString(), logLevel: 'warn' });
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  const exists = (await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [database])).rowCount;
  if (!exists) await admin.query(`CREATE DATABASE ${database}`);
  const ds = new DataSource(typeOrmOptions(config, { migrations: MIGRATIONS }));
  try {
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    const count = async () =>
      Number(((await ds.query(`SELECT count(*) AS n FROM es_events`)) as Array<{ n: string }>)[0].n);
    if ((await count()) < target) await seed(ds, config, target, count);
    const events = await count();

    const readStart = performance.now();
    for (let after = 0; ;) {
      const page = (await ds.query(
        `SELECT global_position, event_type, data, metadata FROM es_events WHERE global_position > $1 ORDER BY global_position LIMIT 1000`,
        [after],
      )) as Array<{ global_position: string }>;
      if (page.length === 0) break;
      after = Number(page[page.length - 1].global_position);
    }
    const readSeconds = (performance.now() - readStart) / 1000;

    const app = await NestFactory.createApplicationContext(ProjectionsCliModule.forRoot(config), {
      logger: false,
    });
    let seconds: number;
    try {
      const started = performance.now();
      await rebuildProjections(app.get(DataSource), app.get(EventStore), app.get(ProjectionRegistry).list());
      seconds = (performance.now() - started) / 1000;
    } finally {
      await app.close();
    }
    const read = events / readSeconds;
    const rebuild = events / seconds;
    process.stdout.write(
      `${events} events: plain read ${readSeconds.toFixed(2)} s (${read.toFixed(0)}/s), rebuild ${seconds.toFixed(2)} s ` +
        `(${rebuild.toFixed(0)}/s) = ${(rebuild / read).toFixed(2)}× the read\n`,
    );
  } finally {
    await ds.destroy();
    if (!keep) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

async function seed(
  ds: DataSource,
  config: ReturnType<typeof loadConfig>,
  target: number,
  count: () => Promise<number>,
): Promise<void> {
  const store = new EventStore();
  const vault = new PiiVault(config, ds, store);
  const tickets = new TicketsService(
    new CommandRunner(ds, store),
    new TicketViewProjection(),
    new TicketQueries(ds, store, vault),
    vault,
  );
  const partner: Principal = { kind: 'partner', apiKeyId: 'k', channel: 'phone', name: 'cc', partner: 'cc' };
  const agent: Principal = { kind: 'user', sub: 'a-1', role: 'agent' };
  for (let i = 0; i < 200; i++) {
    const { result } = await tickets.open(partner, {
      subject: `Payment ${i} failed`,
      description: 'Declined twice at checkout',
      category: 'payment_failed',
      customer: { id: `c${i % 50}` },
      tags: ['card'],
    });
    await tickets.reply(agent, result.id, { body: 'Could you send the last four digits?' });
    await tickets.reply(partner, result.id, { body: 'It is 4242' });
    await tickets.addInternalNote(agent, result.id, { body: 'Checked with the processor' });
    await tickets.tag(agent, result.id, { add: ['processor'], remove: ['card'] });
    await tickets.setPriority(agent, result.id, 'high');
    await tickets.assign(agent, result.id, 'a-1');
    await tickets.setStatus(agent, result.id, { status: 'solved' });
    if (i % 3 === 0) await tickets.reply(partner, result.id, { body: 'Still failing' });
  }
  await ds.query(`CREATE TABLE bench_src AS SELECT stream_id FROM es_streams WHERE stream_type = 'ticket'`);
  const [{ max }] = (await ds.query(`SELECT max(global_position) AS max FROM es_events`)) as Array<{
    max: string;
  }>;
  for (let k = 1; (await count()) < target; k++) {
    const newId = `md5(src.stream_id || '-${k}')::uuid::text`;
    await ds.transaction(async (m) => {
      await m.query(
        `INSERT INTO es_streams (stream_id, stream_type, version)
         SELECT ${newId}, s.stream_type, s.version FROM es_streams s JOIN bench_src src USING (stream_id)`,
      );
      await m.query(
        `INSERT INTO es_events (stream_id, stream_type, stream_position, event_id, event_type, schema_version, data, metadata)
         SELECT ${newId}, e.stream_type, e.stream_position, gen_random_uuid(), e.event_type, e.schema_version,
                CASE WHEN e.event_type = 'TicketOpened'
                     THEN jsonb_set(replace(e.data::text, e.stream_id, ${newId})::jsonb, '{number}', to_jsonb((e.data->>'number') || '-${k}'))
                     ELSE replace(e.data::text, e.stream_id, ${newId})::jsonb END,
                e.metadata
           FROM es_events e JOIN bench_src src USING (stream_id)
          WHERE e.global_position <= $1
          ORDER BY e.global_position`,
        [max],
      );
    });
  }
}

void main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
