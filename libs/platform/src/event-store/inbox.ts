import { Tx } from './tx';

/**
 * Effect-once for at-least-once deliveries: a job records its id in the same transaction as its
 * effect. A second delivery finds the row and does nothing; a concurrent one waits for the first
 * transaction and then finds it.
 */
export async function processOnce(
  tx: Tx,
  handler: string,
  messageId: string,
  effect: () => Promise<void>,
): Promise<boolean> {
  const claimed = await tx.rows(
    `INSERT INTO es_inbox (handler, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
    [handler, messageId],
  );
  if (claimed.length === 0) return false;
  await effect();
  return true;
}
