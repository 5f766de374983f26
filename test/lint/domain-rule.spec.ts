import { ESLint, Linter } from 'eslint';
import { join } from 'node:path';
import tseslint from 'typescript-eslint';

// Proves the boundary rules of eslint.config.js still fire, so they cannot silently disappear.
// The probe files are virtual (lintText), so type-aware parsing is switched off for them; the
// import rules under test do not need types.
const root = join(__dirname, '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const projectConfig = require(join(root, 'eslint.config.js')) as Linter.Config[];

const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    ...projectConfig,
    { files: ['**/*.ts'], ...(tseslint.configs.disableTypeChecked as Linter.Config) },
  ],
});

async function restrictedImports(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  const fatal = result.messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(fatal.map((m) => m.message).join('\n'));
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('eslint: domain code is plain TypeScript', () => {
  it.each([
    `import { Injectable } from '@nestjs/common';`,
    `import { DataSource } from 'typeorm';`,
    `import { Queue } from 'bullmq';`,
    `import Redis from 'ioredis';`,
    `import { Pool } from 'pg';`,
    `import { Request } from 'express';`,
    `import { ApolloServer } from '@apollo/server';`,
    `import { GraphQLError } from 'graphql';`,
    `import { DomainError } from '@kefu/platform';`,
    `import { TicketView } from '@kefu/tickets/projections/ticket-view';`,
    `import { TicketEvent } from '@kefu/tickets/domain/ticket.events';`,
  ])('refuses %s in libs/*/src/domain', async (line) => {
    const messages = await restrictedImports(
      `${line}\nexport const used = [1];\n`,
      'libs/x/src/domain/bad.ts',
    );
    expect(messages).toHaveLength(1);
  });

  it('names the reason', async () => {
    const [message] = await restrictedImports(
      `import { Injectable } from '@nestjs/common';\n`,
      'libs/x/src/domain/bad.ts',
    );
    expect(message).toMatch(/Domain code is plain TypeScript/);
  });

  it('allows relative files, node builtins and other domain folders', async () => {
    const code = [
      `import { randomUUID } from 'node:crypto';`,
      `import { decide } from './ticket.decider';`,
      `import { TicketEvent } from '@kefu/tickets/domain';`,
      `export const used = [randomUUID, decide, {} as TicketEvent];`,
    ].join('\n');
    await expect(restrictedImports(code, 'libs/x/src/domain/ok.ts')).resolves.toEqual([]);
  });

  it('allows the kernel in domain folders', async () => {
    const code = `import { Violations } from '@kefu/kernel';\nexport const used = Violations;\n`;
    await expect(restrictedImports(code, 'libs/x/src/domain/ok.ts')).resolves.toEqual([]);
  });

  it.each([
    `import { Injectable } from '@nestjs/common';`,
    `import { DomainError } from '@kefu/platform';`,
    `import { TicketEvent } from '@kefu/tickets/domain';`,
  ])('refuses %s in the kernel (libs/kernel imports nothing of ours)', async (line) => {
    const messages = await restrictedImports(`${line}\nexport const used = [1];\n`, 'libs/kernel/src/bad.ts');
    expect(messages).toHaveLength(1);
  });

  it('does not apply the domain rule outside domain/', async () => {
    await expect(
      restrictedImports(
        `import { Injectable } from '@nestjs/common';\nexport const used = Injectable;\n`,
        'libs/x/src/api/x.controller.ts',
      ),
    ).resolves.toEqual([]);
  });
});

describe('eslint: libs are reached through @kefu/* aliases', () => {
  it.each([
    [
      'libs/tickets/src/application/open-ticket.handler.ts',
      `import { loadConfig } from '../../../platform/src/config/config';`,
    ],
    ['libs/tickets/src/domain/ticket.decider.ts', `import { x } from '../../../sla/src/domain/sla.decider';`],
    ['apps/api/src/app.module.ts', `import { loadConfig } from '../../../libs/platform/src/config/config';`],
  ])('refuses a relative import out of its lib in %s', async (file, line) => {
    await expect(restrictedImports(`${line}\n`, file)).resolves.toHaveLength(1);
  });

  it('allows relative imports of apps (they have no alias)', async () => {
    await expect(
      restrictedImports(
        `import { bootstrap } from '../../../apps/api/src/bootstrap';\n`,
        'test/e2e/support/api-app.ts',
      ),
    ).resolves.toEqual([]);
  });

  it('allows climbing inside one lib', async () => {
    await expect(
      restrictedImports(
        `import { decide } from '../../domain/ticket.decider';\n`,
        'libs/tickets/src/api/dto/open-ticket.dto.ts',
      ),
    ).resolves.toEqual([]);
  });
});

describe('eslint: another lib only through its entry points (ADR 0015)', () => {
  it.each([
    [
      'libs/sla/src/jobs/sla-timers.job.ts',
      `import { TicketsService } from '@kefu/tickets/application/tickets.service';`,
    ],
    [
      'libs/sla/src/jobs/sla-timers.job.ts',
      `import { TicketEvent } from '@kefu/tickets/domain/ticket.events';`,
    ],
    ['apps/api/src/app.module.ts', `import { loadConfig } from '@kefu/platform/config/config';`],
    ['test/e2e/tickets.e2e-spec.ts', `import { ticketTopic } from '@kefu/tickets/api/graphql';`],
    ['bench/run.ts', `import { PubSubService } from '@kefu/platform/graphql/pubsub';`],
  ])('refuses a deep import in %s: %s', async (file, line) => {
    const messages = await restrictedImports(`${line}\n`, file);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/not a file behind them/);
  });

  it.each([
    `import { TicketsService } from '@kefu/tickets';`,
    `import { TicketEvent } from '@kefu/tickets/domain';`,
    `import { Violations } from '@kefu/kernel';`,
    `import { decisionCases } from '@kefu/test-fixtures/domain';`,
  ])('allows %s', async (line) => {
    await expect(restrictedImports(`${line}\n`, 'libs/sla/src/jobs/sla-timers.job.ts')).resolves.toEqual([]);
  });
});
