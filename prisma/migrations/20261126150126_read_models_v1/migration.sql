-- CreateTable
CREATE TABLE "order_summaries_v1" (
    "order_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "total" BIGINT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "line_count" INTEGER NOT NULL,
    "item_count" INTEGER NOT NULL,
    "placed_at" TIMESTAMPTZ(6) NOT NULL,
    "last_change_at" TIMESTAMPTZ(6) NOT NULL,
    "last_event_type" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "position" TEXT NOT NULL,

    CONSTRAINT "order_summaries_v1_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "customer_stats_v1" (
    "customer_id" UUID NOT NULL,
    "total_orders" INTEGER NOT NULL,
    "total_spent" BIGINT NOT NULL,
    "cancelled_orders" INTEGER NOT NULL,
    "cancelled_amount" BIGINT NOT NULL,
    "last_order_at" TIMESTAMPTZ(6),
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "customer_stats_v1_pkey" PRIMARY KEY ("customer_id")
);

-- CreateTable
CREATE TABLE "customer_stats_orders_v1" (
    "order_id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,

    CONSTRAINT "customer_stats_orders_v1_pkey" PRIMARY KEY ("order_id")
);

-- CreateTable
CREATE TABLE "order_metrics_minute_v1" (
    "minute" TIMESTAMPTZ(6) NOT NULL,
    "orders_placed" INTEGER NOT NULL,
    "orders_cancelled" INTEGER NOT NULL,
    "revenue" BIGINT NOT NULL,

    CONSTRAINT "order_metrics_minute_v1_pkey" PRIMARY KEY ("minute")
);

-- CreateTable
CREATE TABLE "order_status_counts_v1" (
    "status" TEXT NOT NULL,
    "orders" INTEGER NOT NULL,

    CONSTRAINT "order_status_counts_v1_pkey" PRIMARY KEY ("status")
);

-- CreateIndex
CREATE INDEX "order_summaries_v1_status_placed_at_order_id_idx" ON "order_summaries_v1"("status", "placed_at" DESC, "order_id" DESC);

-- CreateIndex
CREATE INDEX "order_summaries_v1_customer_id_placed_at_order_id_idx" ON "order_summaries_v1"("customer_id", "placed_at" DESC, "order_id" DESC);

-- CreateIndex
CREATE INDEX "order_summaries_v1_placed_at_order_id_idx" ON "order_summaries_v1"("placed_at" DESC, "order_id" DESC);

-- CreateIndex
CREATE INDEX "customer_stats_v1_total_spent_customer_id_idx" ON "customer_stats_v1"("total_spent", "customer_id");

-- CreateIndex
CREATE INDEX "customer_stats_v1_total_orders_customer_id_idx" ON "customer_stats_v1"("total_orders", "customer_id");
