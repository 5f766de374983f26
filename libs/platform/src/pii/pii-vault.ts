import { Global, Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/config';
import { Actor } from '../context/request-context';
import { readRows } from '../database/read-rows';
import { EventStore } from '../event-store/event-store';
import { Tx, inTransaction, preparedSql } from '../event-store/tx';
import {
  ERASED,
  SealedRef,
  collectSealed,
  deriveKek,
  mapSealed,
  masterKeyId,
  newDataKey,
  openValue,
  parseSealed,
  sealValue,
  unwrapDataKey,
  wrapDataKey,
} from './pii-crypto';

/** The stream that records erasures (the erasure itself is an event; the data keys are not). */
export const PII_SUBJECT_STREAM_TYPE = 'pii_subject';
export const piiSubjectStreamId = (subjectId: string): string => `pii-subject-${subjectId}`;
export const CUSTOMER_DATA_ERASED = 'CustomerDataErased';

export interface CustomerDataErasedData {
  customerId: string;
  /** How many data keys (generations) were destroyed. */
  keysDestroyed: number;
  erasedBy: { kind: string; id?: string };
  at: string;
}

interface KeyRow {
  subject_id: string;
  generation: number;
  wrapped_key: string | null;
  master_key_id: string;
}

type Queryable = Pick<Tx, 'rows'>;

/**
 * Unwrapped data keys by `subject#generation`, for one request: a request reading several pages or
 * payloads of a customer unwraps the key once. Create one per request (never share it between
 * requests or keep it for a subscription's lifetime), so an erasure holds for every later request.
 */
export type PiiKeyCache = Map<string, Buffer>;

/**
 * Personal data in event payloads, sealed per customer (ADR: envelope encryption). Handlers seal
 * inside their command's transaction, so a new data key commits or rolls back with the events.
 * Readers reveal: sealed strings become clear text, or `[erased]` once the key is destroyed.
 * Unwrapped data keys are cached only in a cache the caller passes for one request (PiiKeyCache),
 * never across requests: an erasure takes effect on every replica for every request after it.
 */
// The common cases of sealerFor in one prepared statement (it runs in every ticket opened): the
// subject's live key, or (no key yet) generation 1 created.
// The keys a page of tickets (or a command's answer) needs to open their customers' details.
const LIVE_KEYS_OF = preparedSql(
  'pii_live_keys_of',
  `SELECT subject_id, generation, wrapped_key, master_key_id FROM pii_data_keys
    WHERE subject_id = ANY($1::text[]) AND wrapped_key IS NOT NULL`,
);
const LIVE_OR_FIRST_KEY = preparedSql(
  'pii_live_or_first_key',
  `WITH latest AS (
     SELECT subject_id, generation, wrapped_key, master_key_id FROM pii_data_keys
      WHERE subject_id = $1 ORDER BY generation DESC LIMIT 1),
   ins AS (
     INSERT INTO pii_data_keys (subject_id, generation, wrapped_key, master_key_id)
     SELECT $1, 1, $2, $3 WHERE NOT EXISTS (SELECT 1 FROM latest)
     ON CONFLICT DO NOTHING
     RETURNING subject_id, generation, wrapped_key, master_key_id)
   SELECT subject_id, generation, wrapped_key, master_key_id, true AS created FROM ins
   UNION ALL SELECT subject_id, generation, wrapped_key, master_key_id, false AS created FROM latest`,
);

@Injectable()
export class PiiVault {
  private readonly kek: Buffer;
  private readonly keyId: string;
  private readonly used = new WeakMap<Tx, Map<string, Buffer>>();

  constructor(
    config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
  ) {
    this.kek = deriveKek(config.piiMasterKey);
    this.keyId = masterKeyId(config.piiMasterKey);
  }

  /**
   * A sealer for one subject: creates the subject's data key on first use (a new generation after
   * an erasure, so a returning customer's new data is readable and the old stays erased).
   */
  async sealerFor(tx: Tx, subjectId: string): Promise<(clear: string) => string> {
    if (!subjectId) throw new Error('a subject id is required to seal personal data');
    const candidate = newDataKey();
    const first = await tx.one<KeyRow & { created: boolean }>(LIVE_OR_FIRST_KEY, [
      subjectId,
      wrapDataKey(this.kek, candidate, subjectId, 1),
      this.keyId,
    ]);
    if (first?.created) return this.sealer(tx, { subjectId, generation: 1 }, candidate);
    if (first?.wrapped_key)
      return this.sealer(tx, { subjectId, generation: first.generation }, this.unwrap(first));
    // Erased (a new generation), or a concurrent first seal won the insert: the careful way.
    for (let attempt = 0; attempt < 3; attempt++) {
      const latest = await tx.one<KeyRow>(
        `SELECT subject_id, generation, wrapped_key, master_key_id FROM pii_data_keys
          WHERE subject_id = $1 ORDER BY generation DESC LIMIT 1`,
        [subjectId],
      );
      if (latest?.wrapped_key) {
        return this.sealer(tx, { subjectId, generation: latest.generation }, this.unwrap(latest));
      }
      const generation = (latest?.generation ?? 0) + 1;
      const key = newDataKey();
      const inserted = await tx.execute(
        `INSERT INTO pii_data_keys (subject_id, generation, wrapped_key, master_key_id)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [subjectId, generation, wrapDataKey(this.kek, key, subjectId, generation), this.keyId],
      );
      // Lost a race with a concurrent first seal: read the winner's key.
      if (inserted === 0) continue;
      return this.sealer(tx, { subjectId, generation }, key);
    }
    throw new Error('could not create a data key');
  }

  /**
   * The data keys this transaction sealed with, for revealing what it wrote without reading the
   * keys again (its caller already had the clear values).
   */
  keysUsedIn(tx: Tx): ReadonlyMap<string, Buffer> | undefined {
    return this.used.get(tx);
  }

  private sealer(tx: Tx, ref: SealedRef, key: Buffer): (clear: string) => string {
    const used = this.used.get(tx) ?? new Map<string, Buffer>();
    used.set(`${ref.subjectId}#${ref.generation}`, key);
    this.used.set(tx, used);
    return (clear) => sealValue(key, ref, clear);
  }

  /** Seals the listed string fields of an object (absent/empty fields stay absent). */
  async sealFields<T extends object>(
    tx: Tx,
    subjectId: string,
    obj: T,
    fields: ReadonlyArray<keyof T>,
  ): Promise<T> {
    const seal = await this.sealerFor(tx, subjectId);
    const out = { ...obj } as Record<string, unknown>;
    for (const f of fields) {
      const v = out[f as string];
      if (typeof v === 'string' && v !== '') out[f as string] = seal(v);
    }
    return out as T;
  }

  /**
   * A copy of `value` (any JSON: an event payload, a read-model row) with every sealed string
   * opened, or `[erased]` where the key is gone. Reads the keys in one query.
   */
  async reveal<T>(value: T, q?: Queryable, cache?: PiiKeyCache): Promise<T> {
    const sealed = collectSealed(value);
    if (sealed.length === 0) return value;
    const refs = new Map<string, SealedRef | undefined>();
    for (const s of sealed) if (!refs.has(s)) refs.set(s, parseSealed(s));
    // Keys already in the cache (this request's, or those a command sealed with: keysUsedIn) need no read.
    const keys = await this.keysFor(
      [...refs.values()].filter((r): r is NonNullable<typeof r> => r !== undefined),
      q,
      cache,
    );
    return mapSealed(value, (s) => {
      const ref = refs.get(s);
      const key = ref && keys.get(`${ref.subjectId}#${ref.generation}`);
      if (!key) return ERASED;
      try {
        return openValue(key, s);
      } catch {
        return ERASED;
      }
    });
  }

  /**
   * Destroys every data key of the customer and records the erasure as an event, in one
   * transaction. Events stay; their sealed fields read as `[erased]` everywhere from now on.
   */
  async forget(tx: Tx, customerId: string, by: Actor | undefined): Promise<CustomerDataErasedData> {
    const destroyed = await tx.execute(
      `UPDATE pii_data_keys SET wrapped_key = NULL, destroyed_at = now()
        WHERE subject_id = $1 AND wrapped_key IS NOT NULL`,
      [customerId],
    );
    const data: CustomerDataErasedData = {
      customerId,
      keysDestroyed: destroyed,
      erasedBy: { kind: by?.kind ?? 'system', ...(by?.id ? { id: by.id } : {}) },
      at: new Date().toISOString(),
    };
    await this.store.append(tx, {
      streamId: piiSubjectStreamId(customerId),
      streamType: PII_SUBJECT_STREAM_TYPE,
      expectedVersion: 'any',
      events: [{ type: CUSTOMER_DATA_ERASED, data }],
    });
    return data;
  }

  forgetNow(customerId: string, by: Actor | undefined): Promise<CustomerDataErasedData> {
    return inTransaction(this.dataSource, (tx) => this.forget(tx, customerId, by));
  }

  /**
   * The data keys of `refs`, unwrapped. Keys already unwrapped in this request come from its cache;
   * the others are read in one query.
   */
  private async keysFor(refs: SealedRef[], q?: Queryable, cache?: PiiKeyCache): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    const missing = new Set<string>();
    for (const r of refs) {
      const id = `${r.subjectId}#${r.generation}`;
      const key = cache?.get(id);
      if (key) out.set(id, key);
      else missing.add(r.subjectId);
    }
    if (missing.size === 0) return out;
    const sql = LIVE_KEYS_OF;
    const rows = q
      ? await q.rows<KeyRow>(sql, [[...missing]])
      : await readRows<KeyRow>(this.dataSource, sql, [[...missing]]);
    for (const r of rows) {
      const id = `${r.subject_id}#${r.generation}`;
      const key = cache?.get(id) ?? this.unwrap(r);
      out.set(id, key);
      cache?.set(id, key);
    }
    return out;
  }

  private unwrap(row: KeyRow): Buffer {
    if (row.master_key_id !== this.keyId)
      throw new Error(
        `data key of generation ${row.generation} is wrapped by master key ${row.master_key_id}, not the configured one (${this.keyId}): finish the key rotation`,
      );
    return unwrapDataKey(this.kek, row.wrapped_key!, row.subject_id, row.generation);
  }
}

/**
 * Re-wraps every live data key from `oldMaster` to `newMaster` in one transaction. Events and
 * sealed values are untouched (they are sealed with the data keys, which do not change).
 * Keys already wrapped by the new master are skipped, so an interrupted rotation can be re-run.
 */
export async function rotatePiiMasterKey(
  tx: Tx,
  oldMaster: Buffer,
  newMaster: Buffer,
): Promise<{ rewrapped: number; alreadyRotated: number }> {
  const oldKek = deriveKek(oldMaster);
  const newKek = deriveKek(newMaster);
  const oldId = masterKeyId(oldMaster);
  const newId = masterKeyId(newMaster);
  if (oldId === newId) throw new Error('the new master key is the current one');
  const rows = await tx.rows<KeyRow>(
    `SELECT subject_id, generation, wrapped_key, master_key_id FROM pii_data_keys
      WHERE wrapped_key IS NOT NULL ORDER BY subject_id, generation FOR UPDATE`,
  );
  let rewrapped = 0;
  let alreadyRotated = 0;
  for (const r of rows) {
    if (r.master_key_id === newId) {
      alreadyRotated++;
      continue;
    }
    if (r.master_key_id !== oldId)
      throw new Error(`a data key is wrapped by an unknown master key (${r.master_key_id})`);
    const key = unwrapDataKey(oldKek, r.wrapped_key!, r.subject_id, r.generation);
    await tx.execute(
      `UPDATE pii_data_keys SET wrapped_key = $3, master_key_id = $4, rotated_at = now()
        WHERE subject_id = $1 AND generation = $2`,
      [r.subject_id, r.generation, wrapDataKey(newKek, key, r.subject_id, r.generation), newId],
    );
    rewrapped++;
  }
  return { rewrapped, alreadyRotated };
}

/** The vault for every module (global, like the event store). */
@Global()
@Module({ providers: [PiiVault], exports: [PiiVault] })
export class PiiModule {}
