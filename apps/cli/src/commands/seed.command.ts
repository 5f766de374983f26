import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { loadConfig, platformCore } from '@kefu/platform';
import { HelpCentreCoreModule, HelpCentreService, seedHelpCentre } from '@kefu/help-centre';
import { UsageError, out } from '../io';
import { CommandSpec } from './types';

const TARGETS = ['help-centre'] as const;

@Module({})
class SeedModule {}

/** Starter content, written through the modules' services (idempotent: re-running updates). */
export const seedCommand: CommandSpec = {
  summary: 'write starter content: help-centre (FAQ articles in zh-CN and en, support channels)',
  usage: `seed ${TARGETS.join('|')}`,
  run: async (args) => {
    const [target] = args;
    if (target !== 'help-centre') throw new UsageError(`expected one of ${TARGETS.join(', ')}`);
    const app = await NestFactory.createApplicationContext(
      { module: SeedModule, imports: [...platformCore(loadConfig()), HelpCentreCoreModule] },
      { logger: false },
    );
    try {
      const r = await seedHelpCentre(app.get(HelpCentreService));
      out(`seeded the help centre: ${r.articles} articles, ${r.channels} support channels`);
      return 0;
    } finally {
      await app.close();
    }
  },
};
