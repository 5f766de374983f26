import { DataSource } from 'typeorm';
import { SYSTEM, partyOf } from '@kefu/kernel';
import { Actor, RequestContext } from '../context/request-context';
import { processOnce } from '../event-store/inbox';
import { Tx, inTransaction } from '../event-store/tx';
import { JobMeta } from './job-dispatcher';

/**
 * Runs a job's effect at most once per job id, whatever BullMQ redelivers (stalled jobs, retries
 * after a crash, re-dispatch): the inbox row and the effect commit together. Returns false when the
 * job had already been applied.
 */
export function runJobOnce(
  dataSource: DataSource,
  handler: string,
  jobId: string,
  meta: Partial<JobMeta> | undefined,
  effect: (tx: Tx) => Promise<void>,
  actor: Actor = partyOf(SYSTEM),
): Promise<boolean> {
  return RequestContext.run(
    { correlationId: meta?.correlationId ?? RequestContext.correlationId(), actor },
    () => inTransaction(dataSource, (tx) => processOnce(tx, handler, jobId, () => effect(tx))),
  );
}
