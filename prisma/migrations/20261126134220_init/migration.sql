-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "products" (
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "unit_price" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,

    CONSTRAINT "products_pkey" PRIMARY KEY ("sku")
);

-- CreateTable
CREATE TABLE "customers" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,

    CONSTRAINT "customers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "streams" (
    "stream_id" TEXT NOT NULL,
    "stream_type" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "streams_pkey" PRIMARY KEY ("stream_id")
);

-- CreateTable
CREATE TABLE "events" (
    "global_position" BIGSERIAL NOT NULL,
    "stream_id" TEXT NOT NULL,
    "stream_type" TEXT NOT NULL,
    "stream_version" INTEGER NOT NULL,
    "event_type" TEXT NOT NULL,
    "schema_version" INTEGER NOT NULL DEFAULT 1,
    "data" JSONB NOT NULL,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "occurred_at" TIMESTAMPTZ(6) NOT NULL,
    "recorded_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "transaction_id" xid8 NOT NULL DEFAULT pg_current_xact_id(),
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "events_pkey" PRIMARY KEY ("global_position")
);

-- CreateTable
CREATE TABLE "commands" (
    "command_id" TEXT NOT NULL,
    "stream_id" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "transaction_id" BIGINT NOT NULL,
    "position" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "commands_pkey" PRIMARY KEY ("command_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "customers_email_key" ON "customers"("email");

-- CreateIndex
CREATE INDEX "events_transaction_id_global_position_idx" ON "events"("transaction_id", "global_position");

-- CreateIndex
CREATE INDEX "events_event_type_idx" ON "events"("event_type");

-- CreateIndex
CREATE UNIQUE INDEX "events_stream_id_stream_version_key" ON "events"("stream_id", "stream_version");

-- ---------------------------------------------------------------------------
-- Hand-written: what Prisma's schema language cannot express.
-- ---------------------------------------------------------------------------

-- History is never edited: corrections are new, compensating events.
CREATE FUNCTION ll_reject_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only: % is not allowed on %', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'LL010', HINT = 'Append a compensating event instead.';
END;
$$;

CREATE TRIGGER events_append_only
  BEFORE UPDATE OR DELETE ON "events"
  FOR EACH ROW EXECUTE FUNCTION ll_reject_event_change();

CREATE TRIGGER events_no_truncate
  BEFORE TRUNCATE ON "events"
  FOR EACH STATEMENT EXECUTE FUNCTION ll_reject_event_change();

-- The text that an event's hash covers. verifyStream builds the same text in
-- Node from the stored row, so a row changed behind the store's back (even
-- with the trigger disabled) no longer matches its hash.
CREATE FUNCTION ll_event_hash(
  p_prev_hash text, p_stream_id text, p_stream_version int, p_event_type text,
  p_schema_version int, p_data jsonb, p_metadata jsonb, p_occurred_at timestamptz
) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT encode(sha256(convert_to(concat_ws(chr(31),
    p_prev_hash, p_stream_id, p_stream_version::text, p_event_type, p_schema_version::text,
    p_data::text, p_metadata::text,
    to_char(p_occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
  ), 'UTF8')), 'hex')
$$;

-- Appends events to one stream in one statement (one round trip).
--   p_expected_version: n = the stream must be at version n (0 = must not exist),
--                       -1 = any version.
--   p_events: a JSON array of {type, schemaVersion, data, metadata, occurredAt}.
-- Version conflicts raise LL001 and a reused command id raises LL003; both roll
-- the whole statement back, so a failed append writes nothing.
CREATE FUNCTION ll_append(
  p_stream_id text, p_stream_type text, p_expected_version int, p_events jsonb,
  p_command_id text, p_fingerprint text
) RETURNS TABLE (next_version int, transaction_id text, last_position bigint)
LANGUAGE plpgsql AS $$
DECLARE
  v_count int := jsonb_array_length(p_events);
  v_current int;
  v_prev_hash text;
  v_event jsonb;
  v_version int;
  v_hash text;
  v_types text[] := '{}';
  v_schema_versions int[] := '{}';
  v_data jsonb[] := '{}';
  v_metadata jsonb[] := '{}';
  v_occurred timestamptz[] := '{}';
  v_versions int[] := '{}';
  v_prev_hashes text[] := '{}';
  v_hashes text[] := '{}';
BEGIN
  IF v_count = 0 THEN
    RAISE EXCEPTION 'nothing to append' USING ERRCODE = 'LL002';
  END IF;

  -- Compare-and-set on the stream row. A concurrent writer holding the row
  -- lock makes us wait; READ COMMITTED then re-checks the WHERE clause against
  -- its committed version, so exactly one of N racing writers matches.
  IF p_expected_version = 0 THEN
    INSERT INTO streams (stream_id, stream_type, version) VALUES (p_stream_id, p_stream_type, v_count)
      ON CONFLICT (stream_id) DO NOTHING;
    IF NOT FOUND THEN
      SELECT version INTO v_current FROM streams WHERE stream_id = p_stream_id;
      RAISE EXCEPTION 'stream % is at version %, expected 0', p_stream_id, v_current
        USING ERRCODE = 'LL001', DETAIL = v_current::text;
    END IF;
    v_current := 0;
  ELSIF p_expected_version > 0 THEN
    UPDATE streams SET version = version + v_count, updated_at = now()
      WHERE stream_id = p_stream_id AND version = p_expected_version;
    IF NOT FOUND THEN
      SELECT version INTO v_current FROM streams WHERE stream_id = p_stream_id;
      RAISE EXCEPTION 'stream % is at version %, expected %', p_stream_id, coalesce(v_current, 0), p_expected_version
        USING ERRCODE = 'LL001', DETAIL = coalesce(v_current, 0)::text;
    END IF;
    v_current := p_expected_version;
  ELSE
    INSERT INTO streams AS s (stream_id, stream_type, version) VALUES (p_stream_id, p_stream_type, v_count)
      ON CONFLICT (stream_id) DO UPDATE SET version = s.version + v_count, updated_at = now()
      RETURNING s.version - v_count INTO v_current;
  END IF;

  IF v_current = 0 THEN
    v_prev_hash := repeat('0', 64);
  ELSE
    SELECT e.hash INTO STRICT v_prev_hash FROM events e
      WHERE e.stream_id = p_stream_id AND e.stream_version = v_current;
  END IF;

  v_version := v_current;
  FOR v_event IN SELECT value FROM jsonb_array_elements(p_events) LOOP
    v_version := v_version + 1;
    v_hash := ll_event_hash(v_prev_hash, p_stream_id, v_version, v_event->>'type',
      (v_event->>'schemaVersion')::int, v_event->'data', v_event->'metadata',
      (v_event->>'occurredAt')::timestamptz);
    v_types := v_types || (v_event->>'type');
    v_schema_versions := v_schema_versions || (v_event->>'schemaVersion')::int;
    v_data := v_data || (v_event->'data');
    v_metadata := v_metadata || (v_event->'metadata');
    v_occurred := v_occurred || (v_event->>'occurredAt')::timestamptz;
    v_versions := v_versions || v_version;
    v_prev_hashes := v_prev_hashes || v_prev_hash;
    v_hashes := v_hashes || v_hash;
    v_prev_hash := v_hash;
  END LOOP;

  WITH inserted AS (
    INSERT INTO events (stream_id, stream_type, stream_version, event_type, schema_version,
                        data, metadata, occurred_at, prev_hash, hash)
    SELECT p_stream_id, p_stream_type, u.version, u.type, u.schema_version,
           u.data, u.metadata, u.occurred_at, u.prev_hash, u.hash
    FROM unnest(v_versions, v_types, v_schema_versions, v_data, v_metadata, v_occurred, v_prev_hashes, v_hashes)
      AS u(version, type, schema_version, data, metadata, occurred_at, prev_hash, hash)
    ORDER BY u.version
    RETURNING global_position
  )
  SELECT max(inserted.global_position) INTO last_position FROM inserted;

  next_version := v_version;
  transaction_id := pg_current_xact_id()::text;

  IF p_command_id IS NOT NULL THEN
    INSERT INTO commands (command_id, stream_id, fingerprint, version, transaction_id, position)
      VALUES (p_command_id, p_stream_id, p_fingerprint, v_version, transaction_id::bigint, last_position)
      ON CONFLICT (command_id) DO NOTHING;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'command % was already handled', p_command_id USING ERRCODE = 'LL003';
    END IF;
  END IF;

  RETURN NEXT;
END;
$$;
