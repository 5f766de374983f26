import { Logger } from '@nestjs/common';
import type { Actor as DomainActor, Decider } from '@kefu/kernel';
import { Caller, actorFromPrincipal } from '../auth/principal';
import { DataSource } from 'typeorm';
import { Clock, SystemClock } from '../clock/clock';
import { DomainError, translatingRules } from '../errors/domain-error';
import {
  IdempotencyRequest,
  StoredResponse,
  claimedIdempotencyKey,
  idempotencyClaim,
  recordIdempotentResponse,
} from '../idempotency/idempotency';
import { Sealer, sealingDecider } from '../pii/sealing';
import { ConcurrencyError } from './errors';
import { EventStore } from './event-store';
import { processOnce } from './inbox';
import { Tx, inTransaction } from './tx';
import { DomainEvent } from '@kefu/kernel';
import { EventMetadata, StoredEvent } from './types';

/** The decider a command handler runs: its rule errors become DomainErrors (fromRuleError). */
export function withDomainErrors<S, C, E extends DomainEvent>(d: Decider<S, C, E>): Decider<S, C, E> {
  return { ...d, decide: translatingRules(d.decide) };
}

export interface RunnerOptions {
  idempotencyTtlHours?: number;
  /** Called after each commit that appended events (the worker's nudge). */
  onCommitted?: (events: StoredEvent[]) => void;
  /** Default: the system clock. */
  clock?: Clock;
}

export interface CommandResult<R> {
  result: R;
  /** true when an Idempotency-Key replayed an earlier response. */
  replayed: boolean;
  status: number;
}

/** A command as a service writes it: the pipeline stamps who (`actor`) and when (`now`). */
export type CommandBody<C> = C extends unknown ? Omit<C, 'actor' | 'now'> : never;

/** A job's message: applied once per (handler, message id), whatever the queue redelivers. */
export interface Inbox {
  handler: string;
  messageId: string;
}

export interface TransactionOptions<R = unknown> {
  idempotency?: IdempotencyRequest;
  /** HTTP status recorded with the idempotent response (default 200). */
  successStatus?: number;
  /**
   * The version the client saw. Pinned → a conflict is the client's to resolve: no retry (unless
   * `retries` says otherwise, e.g. when the pinned version is re-checked after every reload).
   */
  expectedVersion?: number;
  /** Reload-and-retry attempts on a version conflict (default 5; 0 when the version is pinned). */
  retries?: number;
  /**
   * A job's message: the work runs at most once per message (an inbox row commits with it); a
   * redelivered one answers with `redelivered` instead.
   */
  inbox?: Inbox & { redelivered: (tx: Tx) => Promise<R> };
  /**
   * Opens the personal data of the answer after commit: the stored idempotent response keeps it
   * sealed, the caller gets it clear. `tx` is the committed transaction (absent on a replay), so the
   * keys the command sealed with need no second read (PiiVault.keysUsedIn).
   */
  reveal?: (result: R, committed: Tx | undefined) => Promise<R>;
}

export interface HandleOptions<S, C, E extends DomainEvent, R> extends Omit<
  TransactionOptions<R>,
  'inbox' | 'reveal'
> {
  streamType: string;
  streamId: string;
  decider: Decider<S, C, E>;
  command: C;
  /** The version the client saw. Given → a mismatch is VERSION_CONFLICT, never retried. */
  expectedVersion?: number;
  /**
   * What `expectedVersion` is compared with, when it is not the stream version: e.g. the position of
   * the last change a person made, so that system events (timers, routing) do not make a client's
   * version stale. The append itself still expects the exact stream version it loaded.
   */
  clientVersion?: (events: StoredEvent[]) => number;
  /** Refuse with not_found when the stream has no events (commands on existing objects). */
  mustExist?: { what: string; id: string };
  /**
   * The stream id was just generated (a new aggregate): skip reading it, append with `no_stream`.
   * Saves a round trip on every create; a clash is still caught by the append.
   */
  isNew?: boolean;
  /**
   * Personal fields of the decided events, sealed with one customer's key (`seal` absent: nothing to
   * seal); the decider sees them clear.
   */
  seal?: { with: Sealer | undefined; paths: (e: E) => readonly string[] };
  /**
   * Runs on the loaded state before the version check: access rules go here, so that a caller who
   * may not see the object learns nothing (not even that its version moved).
   */
  authorize?: (state: S) => void;
  metadata?: EventMetadata;
  /** Inline projections: update the aggregate's read-model rows in the same transaction. */
  project?: (tx: Tx, events: StoredEvent[], state: S, version: number) => Promise<void>;
  /**
   * The projection reads only the events' stream id and type, stream positions, types and data (not
   * their global position, transaction id or time): its statements are then sent right behind the
   * append's, without waiting for its answer (docs/adr/0008-write-path.md). The positions are the ones
   * the append must produce with the expected version; if it fails instead, so does everything after
   * it in the transaction, and the append's error is the one thrown.
   */
  projectAhead?: boolean;
  /** The response, read inside the transaction (usually from the read model just written). */
  respond: (tx: Tx, outcome: { state: S; version: number; events: StoredEvent[] }) => Promise<R>;
}

/**
 * Serialises writers of one shared stream for the rest of the transaction (a transaction's refund
 * ledger, its dispute slot): fewer conflict retries under a burst.
 */
export async function lockStream(tx: Tx, streamId: string): Promise<void> {
  await tx.execute(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [streamId]);
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
  private readonly idempotencyTtlHours: number;
  private readonly onCommitted?: (events: StoredEvent[]) => void;
  /** The one clock commands are stamped with. */
  readonly clock: Clock;

  constructor(
    private readonly dataSource: DataSource,
    readonly store: EventStore,
    opts: RunnerOptions = {},
  ) {
    this.idempotencyTtlHours = opts.idempotencyTtlHours ?? 48;
    this.onCommitted = opts.onCommitted;
    this.clock = opts.clock ?? new SystemClock();
  }

  /** The time a command is stamped with (ISO 8601). */
  now(): string {
    return this.clock.iso();
  }

  /** Who and when, stamped on a command: the caller's domain actor (or SYSTEM) and the clock's time. */
  stamp<C extends { actor: DomainActor; now: string }>(caller: Caller, body: CommandBody<C>): C {
    return { ...body, actor: actorFromPrincipal(caller), now: this.now() } as unknown as C;
  }

  /**
   * Any work in one transaction: idempotency claim → work (once per inbox message) → idempotency
   * record → commit, retried on a version conflict; then the answer's personal data opened.
   */
  async transaction<R>(opts: TransactionOptions<R>, work: (tx: Tx) => Promise<R>): Promise<CommandResult<R>> {
    let committed: Tx | undefined;
    const r = await this.attempts(opts, async (tx) => {
      committed = tx;
      const inbox = opts.inbox;
      if (!inbox) return work(tx);
      let result: R | undefined;
      const applied = await processOnce(tx, inbox.handler, inbox.messageId, async () => {
        result = await work(tx);
      });
      return applied ? (result as R) : inbox.redelivered(tx);
    });
    if (!opts.reveal) return r;
    return { ...r, result: await opts.reveal(r.result, r.replayed ? undefined : committed) };
  }

  private async attempts<R>(
    opts: TransactionOptions<R>,
    work: (tx: Tx) => Promise<R>,
  ): Promise<CommandResult<R>> {
    const retries = opts.retries ?? (opts.expectedVersion === undefined ? 5 : 0);
    for (let attempt = 0; ; attempt++) {
      try {
        const claim = opts.idempotency && idempotencyClaim(opts.idempotency, this.idempotencyTtlHours);
        return await inTransaction(
          this.dataSource,
          async (tx) => {
            if (opts.idempotency) {
              const replay = claimedIdempotencyKey(tx, opts.idempotency);
              if (replay) return { result: replay.body as R, replayed: true, status: replay.status };
            }
            const result = await work(tx);
            const status = opts.successStatus ?? 200;
            if (opts.idempotency) {
              const stored: StoredResponse = { status, body: result };
              recordIdempotentResponse(tx, opts.idempotency, stored);
            }
            return { result, replayed: false, status };
          },
          'READ COMMITTED',
          claim,
        );
      } catch (e) {
        if (e instanceof ConcurrencyError && e.retryable && attempt < retries) {
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
    return this.transaction(opts, (tx) => this.handleIn(tx, opts));
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
    const seen = opts.clientVersion ? opts.clientVersion(loaded.events) : loaded.version;
    if (pinned && opts.expectedVersion !== seen) {
      throw new ConcurrencyError(opts.streamId, String(opts.expectedVersion), seen, false);
    }
    const decider = opts.seal?.with
      ? sealingDecider(opts.decider, opts.seal.with, opts.seal.paths)
      : opts.decider;
    const decided = decider.decide(opts.command, loaded.state);
    let state = loaded.state;
    let version = loaded.version;
    let stored: StoredEvent[] = [];
    if (decided.length > 0) {
      const expected = opts.isNew ? 0 : loaded.version;
      const appending = this.store.append(tx, {
        streamId: opts.streamId,
        streamType: opts.streamType,
        expectedVersion: opts.isNew ? 'no_stream' : loaded.version,
        events: decided.map((e) => ({ type: e.type, data: e.data, metadata: opts.metadata })),
      });
      for (const e of decided) state = opts.decider.evolve(state, e);
      let projecting: Promise<void> | undefined;
      if (opts.project && opts.projectAhead) {
        appending.catch(() => undefined); // awaited below
        const ahead: StoredEvent[] = decided.map((e, i) => ({
          globalPosition: '',
          transactionId: '',
          streamId: opts.streamId,
          streamType: opts.streamType,
          streamPosition: expected + i + 1,
          eventId: '',
          type: e.type,
          schemaVersion: 0,
          data: JSON.parse(JSON.stringify(e.data ?? {})) as unknown, // as stored, and as read back
          // The command's metadata (e.g. the client-version origin), as the append stores it.
          metadata: { ...(opts.metadata ?? {}) },
          createdAt: new Date(NaN),
        }));
        projecting = opts.project(tx, ahead, state, expected + decided.length);
        projecting.catch(() => undefined); // awaited below, after the append's own outcome
      }
      const appended = await appending;
      stored = appended.events;
      version = appended.nextExpectedVersion;
      if (projecting) await projecting;
      else if (opts.project) await opts.project(tx, stored, state, version);
      const committed = stored;
      if (this.onCommitted) tx.afterCommit(() => this.onCommitted?.(committed));
    }
    return opts.respond(tx, { state, version, events: stored });
  }
}
