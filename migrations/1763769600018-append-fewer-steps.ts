import { MigrationInterface, QueryRunner } from 'typeorm';

// es_append with fewer steps (docs/adr/0008-write-path.md, item 13). The checks, errors and locks
// are the same as migration 1763769600000's; what changes is how many statements the function runs:
// - an existing stream is bumped first (UPDATE … RETURNING the old version): the row lock the old
//   SELECT … FOR UPDATE took, in the statement that also writes the new version. A failed check
//   raises, and the raise undoes the bump with the rest of the statement;
// - `no_stream` (-1, every create) goes straight to the INSERT of its stream row, without first
//   looking for it.
// Old: SELECT FOR UPDATE + INSERT events + UPDATE (existing), SELECT + INSERT stream + INSERT events
// (new). Now: UPDATE + INSERT events, INSERT stream + INSERT events.
const APPEND = `
  CREATE OR REPLACE FUNCTION es_append(
    p_stream_id text, p_stream_type text, p_expected bigint,
    p_event_ids uuid[], p_event_types text[], p_schema_versions int[], p_data jsonb[], p_metadata jsonb[]
  ) RETURNS TABLE (global_position bigint, stream_position bigint, transaction_id xid8, created_at timestamptz)
  LANGUAGE plpgsql AS $fn$
  #variable_conflict use_column
  DECLARE
    v_current bigint;
    v_type    text;
    v_count   int := coalesce(array_length(p_event_ids, 1), 0);
    v_written boolean := false;  -- the stream row already holds its new version
  BEGIN
    IF v_count = 0 THEN
      RAISE EXCEPTION 'es_append: no events for stream %', p_stream_id USING ERRCODE = '22023';
    END IF;
    IF p_expected <> -1 THEN
      UPDATE es_streams s SET version = s.version + v_count, updated_at = now()
       WHERE s.stream_id = p_stream_id
      RETURNING s.version - v_count, s.stream_type INTO v_current, v_type;
      v_written := FOUND;
    END IF;
    IF NOT v_written THEN
      IF p_expected = -3 OR p_expected > 0 THEN
        RAISE EXCEPTION 'stream % does not exist (expected version %)', p_stream_id, p_expected
          USING ERRCODE = 'KF409', DETAIL = json_build_object('expected', p_expected, 'actual', -1)::text;
      END IF;
      -- A new stream is created at its final version. A concurrent creator makes this wait, then do
      -- nothing; the stream is then read (locked) and the checks below decide.
      INSERT INTO es_streams (stream_id, stream_type, version) VALUES (p_stream_id, p_stream_type, v_count)
        ON CONFLICT (stream_id) DO NOTHING;
      IF FOUND THEN
        v_written := true;
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

    IF NOT v_written THEN
      UPDATE es_streams s SET version = v_current + v_count, updated_at = now() WHERE s.stream_id = p_stream_id;
    END IF;
  END
  $fn$`;

export class AppendFewerSteps1763769600018 implements MigrationInterface {
  name = 'AppendFewerSteps1763769600018';

  async up(q: QueryRunner): Promise<void> {
    await q.query(APPEND);
  }

  async down(q: QueryRunner): Promise<void> {
    // The previous body, as migration 1763769600000 created it.
    await q.query(`
      CREATE OR REPLACE FUNCTION es_append(
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
  }
}
