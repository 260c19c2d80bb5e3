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
    "head_hash" TEXT NOT NULL,
    "prev_head_hash" TEXT NOT NULL,
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
-- with the trigger disabled) no longer matches its hash. STABLE (to_char is)
-- lets the planner inline it into the append statement.
CREATE FUNCTION ll_event_hash(
  p_prev_hash text, p_stream_id text, p_stream_version int, p_event_type text,
  p_schema_version int, p_data jsonb, p_metadata jsonb, p_occurred_at timestamptz
) RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT encode(sha256(convert_to(concat_ws(chr(31),
    p_prev_hash, p_stream_id, p_stream_version::text, p_event_type, p_schema_version::text,
    p_data::text, p_metadata::text,
    to_char(p_occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
  ), 'UTF8')), 'hex')
$$;
