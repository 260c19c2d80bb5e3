-- AlterTable
ALTER TABLE "projection_checkpoints" DROP CONSTRAINT "projection_checkpoints_pkey",
ADD COLUMN     "caught_up_at" TIMESTAMPTZ(6),
ADD COLUMN     "events_per_second" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "retired_at" TIMESTAMPTZ(6),
ADD COLUMN     "slot" TEXT NOT NULL DEFAULT 'main',
ADD CONSTRAINT "projection_checkpoints_pkey" PRIMARY KEY ("name", "version", "slot");

-- CreateTable
CREATE TABLE "projection_serving" (
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "previous_version" INTEGER,
    "switched_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "projection_serving_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "projection_comparisons" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "version_a" INTEGER NOT NULL,
    "version_b" INTEGER NOT NULL,
    "position" TEXT NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "report" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "projection_comparisons_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "projection_comparisons_name_created_at_idx" ON "projection_comparisons"("name", "created_at" DESC);

-- Hand-written from here.
ALTER TABLE "projection_checkpoints" ADD CONSTRAINT "projection_checkpoints_slot_check" CHECK ("slot" IN ('main', 'rebuild'));

-- Until now every projection had one version, v1, and it served: it keeps
-- serving, and a version added later builds beside it. (A fresh database
-- gets the same rows: v1 serves from the first event.)
INSERT INTO "projection_serving" ("name", "version")
VALUES ('order_summaries', 1), ('customer_stats', 1), ('order_metrics', 1);

-- A version that has applied events before this migration has been caught up.
UPDATE "projection_checkpoints" SET "caught_up_at" = coalesce("processed_at", now());
