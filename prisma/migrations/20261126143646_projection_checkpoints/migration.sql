-- CreateTable
CREATE TABLE "projection_checkpoints" (
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "transaction_id" BIGINT NOT NULL DEFAULT 0,
    "global_position" BIGINT NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'idle',
    "last_error" TEXT,
    "last_error_at" TIMESTAMPTZ(6),
    "failed_attempts" INTEGER NOT NULL DEFAULT 0,
    "events_processed" BIGINT NOT NULL DEFAULT 0,
    "processed_at" TIMESTAMPTZ(6),
    "heartbeat_at" TIMESTAMPTZ(6),
    "owner" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "projection_checkpoints_pkey" PRIMARY KEY ("name","version")
);
