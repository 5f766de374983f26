import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import {
  AppConfig,
  loadConfig,
  typeOrmOptions,
  inTransaction,
  masterKeyId,
  rotatePiiMasterKey,
} from '@kefu/platform';
import { WebhookSecretBox } from '@kefu/webhooks';
import { UsageError, out } from '../io';
import { CommandSpec } from './types';

const USAGE = 'pii rotate-master-key --new-key-file <path|/dev/stdin>';

function readNewKey(args: string[]): Buffer {
  let file: string | undefined;
  try {
    file = parseArgs({ args, strict: true, options: { 'new-key-file': { type: 'string' } } }).values[
      'new-key-file'
    ];
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  // From a file (or stdin), never an argument: arguments end up in shell history and `ps`.
  if (!file) throw new UsageError('--new-key-file is required (the new key, base64 of 32 bytes)');
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new UsageError('the new key must be 32 bytes, base64-encoded');
  return key;
}

/**
 * Re-wraps every customer data key, and re-seals the webhook signing secrets (also derived from
 * PII_MASTER_KEY), from the configured PII_MASTER_KEY to a new one, in one transaction. Events are
 * not touched. Afterwards, deploy the new key as PII_MASTER_KEY.
 */
export async function runPiiCommand(args: string[], config: AppConfig = loadConfig()): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'rotate-master-key')
    throw new UsageError(action ? `unknown action: ${action}` : 'an action is required');
  const newKey = readNewKey(rest);
  const ds = new DataSource(typeOrmOptions(config.with({ dbPoolSize: 2 })));
  await ds.initialize();
  try {
    const r = await inTransaction(ds, async (tx) => {
      const keys = await rotatePiiMasterKey(tx, config.piiMasterKey, newKey);
      const oldBox = new WebhookSecretBox(config.piiMasterKey);
      const newBox = new WebhookSecretBox(newKey);
      const endpoints = await tx.rows<{ id: string; secret_ciphertext: string }>(
        `SELECT id, secret_ciphertext FROM webhook_endpoints FOR UPDATE`,
      );
      for (const e of endpoints) {
        await tx.execute(`UPDATE webhook_endpoints SET secret_ciphertext = $2 WHERE id = $1`, [
          e.id,
          newBox.seal(oldBox.open(e.secret_ciphertext, e.id), e.id),
        ]);
      }
      return { ...keys, webhookSecrets: endpoints.length };
    });
    out(`data keys re-wrapped:     ${r.rewrapped} (already on the new key: ${r.alreadyRotated})`);
    out(`webhook secrets re-sealed: ${r.webhookSecrets}`);
    out(`new master key id:        ${masterKeyId(newKey)}`);
    out('Now set PII_MASTER_KEY to the new key and restart the API and the worker.');
    return 0;
  } finally {
    await ds.destroy();
  }
}

export const piiCommand: CommandSpec = {
  summary: 'personal data: rotate-master-key re-wraps customer data keys under a new PII_MASTER_KEY',
  usage: USAGE,
  run: (args) => runPiiCommand(args),
};
