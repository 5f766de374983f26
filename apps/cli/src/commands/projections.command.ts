import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { EventStore, ProjectionRegistry, loadConfig, rebuildProjections } from '@kefu/platform';
import { ProjectionsCliModule } from '../projections.module';
import { UsageError, err, out } from '../io';
import { CommandSpec } from './types';

export const projectionsCommand: CommandSpec = {
  summary: 'list read-model projections, or drop and replay them from the event log',
  usage: 'projections list | projections rebuild [name ...]',
  run: async (args) => {
    const [sub, ...names] = args;
    if (sub !== 'list' && sub !== 'rebuild') throw new UsageError('expected "list" or "rebuild"');
    const app = await NestFactory.createApplicationContext(ProjectionsCliModule.forRoot(loadConfig()), {
      logger: false,
    });
    try {
      const all = app.get(ProjectionRegistry).list();
      if (sub === 'list') {
        for (const p of all) out(`${p.name}\t${p.tables.join(', ')}`);
        return 0;
      }
      const unknown = names.filter((n) => !all.some((p) => p.name === n));
      if (unknown.length)
        throw new UsageError(
          `unknown projection ${unknown.join(', ')}; known: ${all.map((p) => p.name).join(', ')}`,
        );
      const chosen = names.length ? all.filter((p) => names.includes(p.name)) : all;
      const started = Date.now();
      let shown = 0;
      const r = await rebuildProjections(app.get(DataSource), app.get(EventStore), chosen, {
        // Progress on stderr, about once a second (and at each phase change).
        onProgress: (p) => {
          if (p.phase === 'replay' && Date.now() - shown < 1000) return;
          shown = Date.now();
          const rate = p.seconds > 0 ? Math.round(p.events / p.seconds) : 0;
          err(`${p.phase}: ${p.events} events (${rate}/s), at position ${p.position}`);
        },
      });
      out(`rebuilt ${r.projections.join(', ')} from ${r.events} events in ${Date.now() - started} ms`);
      return 0;
    } finally {
      await app.close();
    }
  },
};
