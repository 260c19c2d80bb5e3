-- Trigrams for the orders list's search by part of a customer name. pg_trgm
-- ships with PostgreSQL (contrib), the embedded server included.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- DropIndex
DROP INDEX "order_summaries_v1_status_placed_at_order_id_idx";

-- CreateTable
CREATE TABLE "order_summary_counts_v1" (
    "status" TEXT NOT NULL,
    "orders" INTEGER NOT NULL,

    CONSTRAINT "order_summary_counts_v1_pkey" PRIMARY KEY ("status")
);

-- CreateIndex
CREATE INDEX "customers_name_trgm_idx" ON "customers" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "customers_name_id_idx" ON "customers"("name", "id");

-- CreateIndex
CREATE INDEX "order_summaries_v1_status_placed_at_order_id_idx" ON "order_summaries_v1"("status", "placed_at", "order_id");

-- CreateIndex
CREATE INDEX "order_summaries_v1_total_order_id_idx" ON "order_summaries_v1"("total", "order_id");

-- CreateIndex
CREATE INDEX "order_summaries_v1_last_change_at_order_id_idx" ON "order_summaries_v1"("last_change_at", "order_id");

-- The counts start from the rows already projected, in this transaction, so
-- they agree with order_summaries_v1 at its checkpoint.
INSERT INTO "order_summary_counts_v1" ("status", "orders")
SELECT "status", count(*)::int FROM "order_summaries_v1" GROUP BY "status";
