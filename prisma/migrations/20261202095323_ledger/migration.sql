-- CreateTable
CREATE TABLE "ledger_state" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "tree_size" BIGINT NOT NULL DEFAULT 0,
    "transaction_id" BIGINT NOT NULL DEFAULT 0,
    "global_position" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(6),
    "heartbeat_at" TIMESTAMPTZ(6),
    "owner" TEXT,
    "last_error" TEXT,
    "last_error_at" TIMESTAMPTZ(6),

    CONSTRAINT "ledger_state_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_leaves" (
    "leaf_index" BIGINT NOT NULL,
    "transaction_id" BIGINT NOT NULL,
    "global_position" BIGINT NOT NULL,
    "stream_id" TEXT NOT NULL,
    "stream_version" INTEGER NOT NULL,
    "leaf_hash" BYTEA NOT NULL,

    CONSTRAINT "ledger_leaves_pkey" PRIMARY KEY ("leaf_index")
);

-- CreateTable
CREATE TABLE "ledger_nodes" (
    "level" INTEGER NOT NULL,
    "index" BIGINT NOT NULL,
    "hash" BYTEA NOT NULL,

    CONSTRAINT "ledger_nodes_pkey" PRIMARY KEY ("level","index")
);

-- CreateTable
CREATE TABLE "ledger_heads" (
    "tree_size" BIGINT NOT NULL,
    "root_hash" TEXT NOT NULL,
    "timestamp" TIMESTAMPTZ(3) NOT NULL,
    "last_transaction_id" BIGINT NOT NULL,
    "last_global_position" BIGINT NOT NULL,
    "previous" TEXT,
    "key_id" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "consistency_proof" TEXT[],

    CONSTRAINT "ledger_heads_pkey" PRIMARY KEY ("tree_size")
);

-- CreateTable
CREATE TABLE "ledger_keys" (
    "key_id" TEXT NOT NULL,
    "public_key_pem" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_keys_pkey" PRIMARY KEY ("key_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ledger_leaves_global_position_key" ON "ledger_leaves"("global_position");

-- ---------------------------------------------------------------------------
-- Hand-written: what Prisma's schema language cannot express.
-- ---------------------------------------------------------------------------

-- The ledger's one state row, at the start of the log.
INSERT INTO "ledger_state" ("id") VALUES (1);
ALTER TABLE "ledger_state" ADD CONSTRAINT "ledger_state_one_row" CHECK ("id" = 1);

-- Leaves, nodes and heads are only ever added, like events. This stops
-- accidents, not an administrator: what stops an administrator is the signed
-- heads kept outside the database (see the README's "Ledger").
CREATE FUNCTION ll_reject_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the ledger is append-only: % is not allowed on %', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'LL010';
END;
$$;

CREATE TRIGGER ledger_leaves_append_only BEFORE UPDATE OR DELETE ON "ledger_leaves"
  FOR EACH ROW EXECUTE FUNCTION ll_reject_ledger_change();
CREATE TRIGGER ledger_leaves_no_truncate BEFORE TRUNCATE ON "ledger_leaves"
  FOR EACH STATEMENT EXECUTE FUNCTION ll_reject_ledger_change();
CREATE TRIGGER ledger_nodes_append_only BEFORE UPDATE OR DELETE ON "ledger_nodes"
  FOR EACH ROW EXECUTE FUNCTION ll_reject_ledger_change();
CREATE TRIGGER ledger_nodes_no_truncate BEFORE TRUNCATE ON "ledger_nodes"
  FOR EACH STATEMENT EXECUTE FUNCTION ll_reject_ledger_change();
CREATE TRIGGER ledger_heads_append_only BEFORE UPDATE OR DELETE ON "ledger_heads"
  FOR EACH ROW EXECUTE FUNCTION ll_reject_ledger_change();
CREATE TRIGGER ledger_heads_no_truncate BEFORE TRUNCATE ON "ledger_heads"
  FOR EACH STATEMENT EXECUTE FUNCTION ll_reject_ledger_change();
