import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import {
  ApiKeyCache,
  ApiKeyService,
  ApiKeyView,
  AppConfig,
  loadConfig,
  typeOrmOptions,
  RedisService,
} from '@kefu/platform';
import { CHANNELS, isChannel } from '@kefu/kernel';
import { UsageError, out } from '../io';
import { CommandSpec } from './types';

const USAGE = [
  `api-key create --channel <${CHANNELS.join('|')}> --name <partner> [--scope payments_core|wallet_core]... [--created-by <who>]`,
  'api-key list',
  'api-key revoke <id>',
].join('\n       kefu ');

async function withApiKeys<T>(
  config: AppConfig,
  fn: (keys: ApiKeyService) => Promise<T>,
  opts: { announceRevocations?: boolean } = {},
): Promise<T> {
  const ds = new DataSource(typeOrmOptions(config.with({ dbPoolSize: 2 })));
  await ds.initialize();
  // A revocation is announced on Redis, so the API replicas drop the key from their caches now.
  const redis = opts.announceRevocations ? new RedisService(config) : undefined;
  try {
    return await fn(new ApiKeyService(ds, redis ? new ApiKeyCache(config, redis) : undefined));
  } finally {
    await redis?.onApplicationShutdown();
    await ds.destroy();
  }
}

function describeKey(k: ApiKeyView): string {
  const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
  return `${k.id}  ${k.channel.padEnd(7)}  ${k.createdAt.toISOString()}  ${state.padEnd(32)}  ${k.name}`;
}

function parseCreate(args: string[]): {
  channel: string;
  name: string;
  createdBy?: string;
  scopes: string[];
} {
  let values: { channel?: string; name?: string; 'created-by'?: string; scope?: string[] };
  try {
    values = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        channel: { type: 'string' },
        name: { type: 'string' },
        'created-by': { type: 'string' },
        scope: { type: 'string', multiple: true },
      },
    }).values;
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (!values.channel) throw new UsageError('--channel is required');
  // API.md's example is `api-key create --channel call-centre`: a partner's name where a ticket
  // channel is expected. Read it as the partner `call-centre` on the `partner` channel.
  if (!values.name && !isChannel(values.channel)) {
    out(
      `note: "${values.channel}" is not a ticket channel (${CHANNELS.join(', ')}): creating a key for the partner`,
    );
    out(`      "${values.channel}" on the "partner" channel (use --channel <c> --name <partner> to choose).`);
    return {
      channel: 'partner',
      name: values.channel,
      createdBy: values['created-by'],
      scopes: values.scope ?? [],
    };
  }
  return {
    channel: values.channel,
    name: values.name ?? values.channel,
    createdBy: values['created-by'],
    scopes: values.scope ?? [],
  };
}

/** `api-key create|list|revoke`: partner API keys. The secret is printed once, at creation. */
export async function runApiKeyCommand(args: string[], config: AppConfig = loadConfig()): Promise<number> {
  const [action, ...rest] = args;
  switch (action) {
    case 'create': {
      const { channel, name, createdBy, scopes } = parseCreate(rest);
      if (!isChannel(channel)) throw new UsageError(`--channel must be one of ${CHANNELS.join(', ')}`);
      const created = await withApiKeys(config, (keys) =>
        keys.create(channel, name, createdBy ?? 'cli', scopes),
      );
      out(`id:      ${created.apiKey.id}`);
      out(`channel: ${created.apiKey.channel}`);
      out(`name:    ${created.apiKey.name}`);
      out(`partner: ${created.apiKey.partner}`);
      if (created.apiKey.scopes.length) out(`scopes:  ${created.apiKey.scopes.join(', ')}`);
      out(`secret:  ${created.secret}`);
      out('Store the secret now: it is stored hashed and cannot be shown again. Send it as X-Api-Key.');
      return 0;
    }
    case 'list': {
      if (rest.length > 0) throw new UsageError('list takes no arguments');
      const keys = await withApiKeys(config, (k) => k.list());
      if (keys.length === 0) out('no API keys');
      for (const k of keys) out(describeKey(k));
      return 0;
    }
    case 'revoke': {
      if (rest.length !== 1) throw new UsageError('revoke takes exactly one key id');
      const key = await withApiKeys(config, (k) => k.revoke(rest[0], 'cli'), { announceRevocations: true });
      out(describeKey(key));
      return 0;
    }
    default:
      throw new UsageError(action ? `unknown action: ${action}` : 'an action is required');
  }
}

export const apiKeyCommand: CommandSpec = {
  summary: 'create, list or revoke partner API keys (the secret is shown once, at creation)',
  usage: USAGE,
  run: (args) => runApiKeyCommand(args),
};
