import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event store: streams, events, the append function, consumer checkpoints and the job inbox.
 * See docs/adr/0002-event-store.md for why the global log is read by (transaction_id, global_position).
 */
export class EventStore1763769600000 implements MigrationInterface {
  name = 'EventStore1763769600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE es_streams (
        stream_id   text PRIMARY KEY,
        stream_type text NOT NULL,
        version     bigint NOT NULL DEFAULT 0,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE es_events (
        global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id       text NOT NULL REFERENCES es_streams (stream_id),
        stream_type     text NOT NULL,
        stream_position bigint NOT NULL,
        event_id        uuid NOT NULL,
        event_type      text NOT NULL,
        schema_version  int NOT NULL DEFAULT 1,
        data            jsonb NOT NULL,
        metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at      timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT es_events_event_id_key UNIQUE (event_id),
        CONSTRAINT es_events_stream_position_key UNIQUE (stream_id, stream_position)
      )`);
    await q.query(`CREATE INDEX es_events_log_order_idx ON es_events (transaction_id, global_position)`);

    // Expected version: >= 0 exact, -1 no stream, -2 any, -3 stream must exist.
    // One round trip: lock the stream row, check, insert, bump. SQLSTATE KF409 = version conflict.
    await q.query(`
      CREATE FUNCTION es_append(
        p_stream_id text, p_stream_type text, p_expected bigint,
        p_event_ids uuid[], p_event_types text[], p_schema_versions int[], p_data jsonb[], p_metadata jsonb[]
      ) RETURNS TABLE (global_position bigint, stream_position bigint, transaction_id xid8, created_at timestamptz)
      LANGUAGE plpgsql AS $fn$
      #variable_conflict use_column
      DECLARE
        v_current bigint;
        v_type    text;
        v_count   int := coalesce(array_length(p_event_ids, 1), 0);
        v_created boolean := false;
      BEGIN
        IF v_count = 0 THEN
          RAISE EXCEPTION 'es_append: no events for stream %', p_stream_id USING ERRCODE = '22023';
        END IF;
        SELECT s.version, s.stream_type INTO v_current, v_type
          FROM es_streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
        IF NOT FOUND THEN
          IF p_expected = -3 OR p_expected > 0 THEN
            RAISE EXCEPTION 'stream % does not exist (expected version %)', p_stream_id, p_expected
              USING ERRCODE = 'KF409', DETAIL = json_build_object('expected', p_expected, 'actual', -1)::text;
          END IF;
          -- A new stream is created at its final version (no second row version to write).
          -- A concurrent creator makes this wait, then do nothing; the checks below then fail.
          INSERT INTO es_streams (stream_id, stream_type, version) VALUES (p_stream_id, p_stream_type, v_count)
            ON CONFLICT (stream_id) DO NOTHING;
          IF FOUND THEN
            v_created := true;
            v_current := 0;
            v_type := p_stream_type;
          ELSE
            SELECT s.version, s.stream_type INTO v_current, v_type
              FROM es_streams s WHERE s.stream_id = p_stream_id FOR UPDATE;
          END IF;
        END IF;
        IF v_type <> p_stream_type THEN
          RAISE EXCEPTION 'stream % is a %, not a %', p_stream_id, v_type, p_stream_type USING ERRCODE = '22023';
        END IF;
        IF (p_expected = -1 AND v_current <> 0)
           OR (p_expected = -3 AND v_current = 0)
           OR (p_expected >= 0 AND v_current <> p_expected) THEN
          RAISE EXCEPTION 'stream %: expected version %, actual %', p_stream_id, p_expected, v_current
            USING ERRCODE = 'KF409', DETAIL = json_build_object('expected', p_expected, 'actual', v_current)::text;
        END IF;

        RETURN QUERY
        INSERT INTO es_events AS e
          (stream_id, stream_type, stream_position, event_id, event_type, schema_version, data, metadata)
        SELECT p_stream_id, p_stream_type, v_current + i.ord, i.eid, i.etype, i.sv, i.d, i.m
          FROM unnest(p_event_ids, p_event_types, p_schema_versions, p_data, p_metadata)
               WITH ORDINALITY AS i (eid, etype, sv, d, m, ord)
         ORDER BY i.ord
        RETURNING e.global_position, e.stream_position, e.transaction_id, e.created_at;

        IF NOT v_created THEN
          UPDATE es_streams s SET version = v_current + v_count, updated_at = now() WHERE s.stream_id = p_stream_id;
        END IF;
      END
      $fn$`);

    await q.query(`
      CREATE TABLE es_checkpoints (
        consumer        text PRIMARY KEY,
        transaction_id  xid8 NOT NULL DEFAULT '0'::xid8,
        global_position bigint NOT NULL DEFAULT 0,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE es_inbox (
        handler      text NOT NULL,
        message_id   text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (handler, message_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS es_inbox`);
    await q.query(`DROP TABLE IF EXISTS es_checkpoints`);
    await q.query(
      `DROP FUNCTION IF EXISTS es_append(text, text, bigint, uuid[], text[], int[], jsonb[], jsonb[])`,
    );
    await q.query(`DROP TABLE IF EXISTS es_events`);
    await q.query(`DROP TABLE IF EXISTS es_streams`);
  }
}
