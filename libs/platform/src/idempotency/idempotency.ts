import { createHash } from 'node:crypto';
import { DomainError } from '../errors/domain-error';
import { escapeLiteral } from 'pg';
import { TransactionOpening, Tx, pgErrorCode, preparedSql } from '../event-store/tx';

/** An Idempotency-Key as seen by the command pipeline. */
export interface IdempotencyRequest {
  /** Whose key it is: the API key id, or the token subject. Keys never collide across callers. */
  scope: string;
  key: string;
  /** Hash of method, route and body: the same key with another request is refused. */
  fingerprint: string;
}

export interface StoredResponse {
  status: number;
  body: unknown;
}

export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export function fingerprintOf(method: string, route: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${route}\n`)
    .update(canonicalJson(body))
    .digest('hex');
}

/** JSON with sorted keys, so the same body in another key order is the same request. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

const RECORD = preparedSql(
  'idempotency_record',
  `UPDATE idempotency_keys SET status = $3, response = $4::jsonb WHERE scope = $1 AND key = $2`,
);

type ClaimRow = { claimed: boolean; fingerprint: string | null; status: number | null; response: unknown };

const wholeNumber = (n: number, what: string): number => {
  if (!Number.isFinite(n)) throw new Error(`idempotency claim: ${what} is not a number`);
  return Math.max(1, Math.round(n));
};

/**
 * Claims a key as the first statement of the command's transaction, sent with its BEGIN (one round
 * trip: lock timeout, claim, and on a conflict the holder's row; migration 1763769600011). A second
 * request with the key waits for the first transaction (up to waitMs): if that committed, its
 * response is replayed; if it is still running after waitMs, 409 idempotency_request_in_progress.
 * A failed first request leaves no key behind. Read its outcome with claimedIdempotencyKey.
 */
export function idempotencyClaim(
  req: IdempotencyRequest,
  ttlHours: number,
  waitMs = 5000,
): TransactionOpening {
  // Values written in as literals (BEGIN and this go as one simple query): the key is printable
  // ASCII (IDEMPOTENCY_KEY_PATTERN) and escapeLiteral doubles quotes and backslashes anyway.
  const sql = `SELECT claimed, fingerprint, status, response FROM idempotency_claim(${[
    escapeLiteral(req.scope),
    escapeLiteral(req.key),
    escapeLiteral(req.fingerprint),
    wholeNumber(ttlHours, 'the TTL'),
    wholeNumber(waitMs, 'the wait'),
  ].join(', ')})`;
  return {
    sql,
    mapError: (e) =>
      pgErrorCode(e) === '55P03'
        ? new DomainError(
            'idempotency_request_in_progress',
            'A request with this Idempotency-Key is still being processed; retry later.',
            { retryAfterSeconds: 1 },
          )
        : e,
  };
}

/** The claim's outcome: undefined when this request holds the key, else the response to replay. */
export function claimedIdempotencyKey(tx: Tx, req: IdempotencyRequest): StoredResponse | undefined {
  const row = tx.openingRows?.[0] as ClaimRow | undefined;
  if (!row) throw new Error('idempotency key vanished while locked');
  if (row.claimed) return undefined;
  if (row.fingerprint !== req.fingerprint) {
    throw new DomainError(
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request.',
    );
  }
  return { status: row.status ?? 200, body: row.response };
}

/**
 * Records the response with the key. Deferred: on a pipelined transaction it goes out with the COMMIT
 * (a failure still fails the commit: Tx.settle).
 */
export function recordIdempotentResponse(tx: Tx, req: IdempotencyRequest, res: StoredResponse): void {
  tx.defer(RECORD, [req.scope, req.key, res.status, JSON.stringify(res.body ?? null)]);
}
