import { MigrationInterface, QueryRunner } from 'typeorm';

/** Platform tables: idempotency keys and partner API keys. */
export class Platform1763769600001 implements MigrationInterface {
  name = 'Platform1763769600001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        scope       text NOT NULL,
        key         text NOT NULL,
        fingerprint text NOT NULL,
        status      int,
        response    jsonb,
        created_at  timestamptz NOT NULL DEFAULT now(),
        expires_at  timestamptz NOT NULL,
        PRIMARY KEY (scope, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at)`);
    await q.query(`
      CREATE TABLE api_keys (
        id          uuid PRIMARY KEY,
        channel     text NOT NULL,
        name        text NOT NULL,
        -- The tenant: a slug of the name, shared by every key of one partner (rotation).
        partner     text NOT NULL,
        prefix      text NOT NULL,
        secret_hash text NOT NULL,
        created_by  text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        revoked_at  timestamptz,
        last_used_at timestamptz,
        CONSTRAINT api_keys_prefix_key UNIQUE (prefix)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS api_keys`);
    await q.query(`DROP TABLE IF EXISTS idempotency_keys`);
  }
}
