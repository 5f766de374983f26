import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The write path in fewer round trips (docs/adr/0008-write-path.md): claiming an Idempotency-Key is one
 * call instead of set_config, INSERT, set_config and, on a replay, a SELECT.
 */
export class WritePath1763769600011 implements MigrationInterface {
  name = 'WritePath1763769600011';

  async up(q: QueryRunner): Promise<void> {
    // claimed = true: the key is ours (new, or expired and taken over). Otherwise the row as committed
    // by the request that holds it: a second request waits for that one's transaction up to p_wait_ms
    // (lock_timeout, SQLSTATE 55P03 after it), then sees its outcome. The lock timeout is restored
    // before returning; on an error the transaction is aborted, which restores it as well.
    await q.query(`
      CREATE FUNCTION idempotency_claim(
        p_scope text, p_key text, p_fingerprint text, p_ttl_hours int, p_wait_ms int
      ) RETURNS TABLE (claimed boolean, fingerprint text, status int, response jsonb)
      LANGUAGE plpgsql AS $fn$
      #variable_conflict use_column
      DECLARE
        v_timeout text := current_setting('lock_timeout');
        v_claimed boolean;
      BEGIN
        PERFORM set_config('lock_timeout', p_wait_ms || 'ms', true);
        INSERT INTO idempotency_keys AS k (scope, key, fingerprint, expires_at)
        VALUES (p_scope, p_key, p_fingerprint, now() + make_interval(hours => p_ttl_hours))
        ON CONFLICT (scope, key) DO UPDATE
          SET fingerprint = EXCLUDED.fingerprint, status = NULL, response = NULL,
              created_at = now(), expires_at = EXCLUDED.expires_at
          WHERE k.expires_at < now()
        RETURNING true INTO v_claimed;
        PERFORM set_config('lock_timeout', v_timeout, true);
        IF v_claimed THEN
          RETURN QUERY SELECT true, NULL::text, NULL::int, NULL::jsonb;
          RETURN;
        END IF;
        RETURN QUERY SELECT false, k.fingerprint, k.status, k.response
          FROM idempotency_keys k WHERE k.scope = p_scope AND k.key = p_key;
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS idempotency_claim(text, text, text, int, int)`);
  }
}
