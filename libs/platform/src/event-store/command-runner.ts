import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError, translatingRules } from '../errors/domain-error';
import {
  IdempotencyRequest,
  StoredResponse,
  claimIdempotencyKey,
  recordIdempotentResponse,
} from '../idempotency/idempotency';
import { ConcurrencyError } from './errors';
import { EventStore } from './event-store';
import { Tx, inTransaction } from './tx';
import { DomainEvent, EventMetadata, StoredEvent } from './types';

/** What a module writes: pure functions over its own events. */
export interface Decider<S, C, E extends DomainEvent> {
  initialState: () => S;
  evolve: (state: S, event: E) => S;
  decide: (command: C, state: S) => E[];
}

/** The decider a command handler runs: its rule errors become DomainErrors (fromRuleError). */
export function withDomainErrors<S, C, E extends DomainEvent>(d: Decider<S, C, E>): Decider<S, C, E> {
  return { ...d, decide: translatingRules(d.decide) };
}

export interface CommandResult<R> {
  result: R;
  /** true when an Idempotency-Key replayed an earlier response. */
  replayed: boolean;
  status: number;
}

export interface TransactionOptions {
  idempotency?: IdempotencyRequest;
  /** HTTP status recorded with the idempotent response (default 200). */
  successStatus?: number;
  /** Reload-and-retry attempts on a version conflict; 0 when the client pinned a version. */
  retries?: number;
}

export interface HandleOptions<S, C, E extends DomainEvent, R> extends TransactionOptions {
  streamType: string;
  streamId: string;
  decider: Decider<S, C, E>;
  command: C;
  /** The version the client saw. Given → a mismatch is VERSION_CONFLICT, never retried. */
  expectedVersion?: number;
  /** Refuse with not_found when the stream has no events (commands on existing objects). */
  mustExist?: { what: string; id: string };
  /**
   * The stream id was just generated (a new aggregate): skip reading it, append with `no_stream`.
   * Saves a round trip on every create; a clash is still caught by the append.
   */
  isNew?: boolean;
  /**
   * Runs on the loaded state before the version check: access rules go here, so that a caller who
   * may not see the object learns nothing (not even that its version moved).
   */
  authorize?: (state: S) => void;
  metadata?: EventMetadata;
  /** Inline projections: update the aggregate's read-model rows in the same transaction. */
  project?: (tx: Tx, events: StoredEvent[], state: S, version: number) => Promise<void>;
  /** The response, read inside the transaction (usually from the read model just written). */
  respond: (tx: Tx, outcome: { state: S; version: number; events: StoredEvent[] }) => Promise<R>;
}

export async function loadState<S, C, E extends DomainEvent>(
  store: EventStore,
  tx: Tx,
  streamId: string,
  decider: Decider<S, C, E>,
  opts: { asOf?: Date; upTo?: number } = {},
): Promise<{ state: S; version: number; events: StoredEvent[] }> {
  const events = await store.readStream(tx, streamId, opts);
  let state = decider.initialState();
  for (const e of events) state = decider.evolve(state, { type: e.type, data: e.data } as E);
  const version = events.length ? events[events.length - 1].streamPosition : 0;
  return { state, version, events };
}

/**
 * The command pipeline, one transaction: idempotency claim → load stream → decide → append with the
 * expected version → inline projections → response → idempotency record → commit. Conflicts are
 * retried with a fresh load unless the client pinned a version.
 */
export class CommandRunner {
  private readonly logger = new Logger(CommandRunner.name);

  constructor(
    private readonly dataSource: DataSource,
    readonly store: EventStore,
    private readonly idempotencyTtlHours = 48,
    private readonly onCommitted?: (events: StoredEvent[]) => void,
  ) {}

  /** The lower-level form: any work in one transaction, with idempotency and conflict retries. */
  async transaction<R>(opts: TransactionOptions, work: (tx: Tx) => Promise<R>): Promise<CommandResult<R>> {
    const retries = opts.retries ?? 5;
    for (let attempt = 0; ; attempt++) {
      try {
        return await inTransaction(this.dataSource, async (tx) => {
          if (opts.idempotency) {
            const replay = await claimIdempotencyKey(tx, opts.idempotency, this.idempotencyTtlHours);
            if (replay) return { result: replay.body as R, replayed: true, status: replay.status };
          }
          const result = await work(tx);
          const status = opts.successStatus ?? 200;
          if (opts.idempotency) {
            const stored: StoredResponse = { status, body: result };
            await recordIdempotentResponse(tx, opts.idempotency, stored);
          }
          return { result, replayed: false, status };
        });
      } catch (e) {
        if (e instanceof ConcurrencyError && attempt < retries) {
          this.logger.debug({ streamId: e.streamId, attempt }, 'version conflict; reloading and retrying');
          // Jitter so that a herd of writers to one stream does not collide again in lockstep.
          await new Promise((r) => setTimeout(r, Math.random() * 5 * (attempt + 1)));
          continue;
        }
        throw e;
      }
    }
  }

  async handle<S, C, E extends DomainEvent, R>(opts: HandleOptions<S, C, E, R>): Promise<CommandResult<R>> {
    const pinned = opts.expectedVersion !== undefined;
    return this.transaction({ ...opts, retries: pinned ? 0 : opts.retries }, (tx) => this.handleIn(tx, opts));
  }

  /** load → decide → append → project → respond, inside a transaction the caller controls. */
  async handleIn<S, C, E extends DomainEvent, R>(tx: Tx, opts: HandleOptions<S, C, E, R>): Promise<R> {
    const pinned = opts.expectedVersion !== undefined;
    const loaded = opts.isNew
      ? { state: opts.decider.initialState(), version: 0, events: [] }
      : await loadState(this.store, tx, opts.streamId, opts.decider);
    if (opts.mustExist && loaded.version === 0)
      throw DomainError.notFound(opts.mustExist.what, opts.mustExist.id);
    opts.authorize?.(loaded.state);
    if (pinned && opts.expectedVersion !== loaded.version) {
      throw new ConcurrencyError(opts.streamId, String(opts.expectedVersion), loaded.version);
    }
    const decided = opts.decider.decide(opts.command, loaded.state);
    let state = loaded.state;
    let version = loaded.version;
    let stored: StoredEvent[] = [];
    if (decided.length > 0) {
      const appended = await this.store.append(tx, {
        streamId: opts.streamId,
        streamType: opts.streamType,
        expectedVersion: opts.isNew ? 'no_stream' : loaded.version,
        events: decided.map((e) => ({ type: e.type, data: e.data, metadata: opts.metadata })),
      });
      stored = appended.events;
      for (const e of decided) state = opts.decider.evolve(state, e);
      version = appended.nextExpectedVersion;
      if (opts.project) await opts.project(tx, stored, state, version);
      const committed = stored;
      if (this.onCommitted) tx.afterCommit(() => this.onCommitted?.(committed));
    }
    return opts.respond(tx, { state, version, events: stored });
  }
}
