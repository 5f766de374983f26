import { createHash } from 'node:crypto';
import { DomainError } from '../errors/domain-error';
import { Tx, pgErrorCode } from '../event-store/tx';

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

/**
 * Claims a key inside the command's transaction. A second request with the key waits for the first
 * transaction (up to waitMs): if that committed, its response is replayed; if it is still running
 * after waitMs, 409 idempotency_request_in_progress. A failed first request leaves no key behind.
 */
export async function claimIdempotencyKey(
  tx: Tx,
  req: IdempotencyRequest,
  ttlHours: number,
  waitMs = 5000,
): Promise<StoredResponse | undefined> {
  await tx.execute(`SELECT set_config('lock_timeout', $1, true)`, [`${waitMs}ms`]);
  let claimed: unknown[];
  try {
    claimed = await tx.rows(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(hours => $4))
       ON CONFLICT (scope, key) DO UPDATE
         SET fingerprint = EXCLUDED.fingerprint, status = NULL, response = NULL,
             created_at = now(), expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.expires_at < now()
       RETURNING 1`,
      [req.scope, req.key, req.fingerprint, ttlHours],
    );
  } catch (e) {
    if (pgErrorCode(e) === '55P03') {
      throw new DomainError(
        'idempotency_request_in_progress',
        'A request with this Idempotency-Key is still being processed; retry later.',
        { retryAfterSeconds: 1 },
      );
    }
    throw e;
  }
  await tx.execute(`SELECT set_config('lock_timeout', '0', true)`);
  if (claimed.length > 0) return undefined;
  const row = await tx.one<{ fingerprint: string; status: number | null; response: unknown }>(
    `SELECT fingerprint, status, response FROM idempotency_keys WHERE scope = $1 AND key = $2`,
    [req.scope, req.key],
  );
  if (!row) throw new Error('idempotency key vanished while locked');
  if (row.fingerprint !== req.fingerprint) {
    throw new DomainError(
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request.',
    );
  }
  return { status: row.status ?? 200, body: row.response };
}

export async function recordIdempotentResponse(
  tx: Tx,
  req: IdempotencyRequest,
  res: StoredResponse,
): Promise<void> {
  await tx.execute(
    `UPDATE idempotency_keys SET status = $3, response = $4::jsonb WHERE scope = $1 AND key = $2`,
    [req.scope, req.key, res.status, JSON.stringify(res.body ?? null)],
  );
}
