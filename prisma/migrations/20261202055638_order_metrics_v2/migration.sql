-- CreateTable
CREATE TABLE "order_metrics_minute_v2" (
    "minute" TIMESTAMPTZ(6) NOT NULL,
    "orders_placed" INTEGER NOT NULL,
    "orders_cancelled" INTEGER NOT NULL,
    "revenue" BIGINT NOT NULL,

    CONSTRAINT "order_metrics_minute_v2_pkey" PRIMARY KEY ("minute")
);

-- CreateTable
CREATE TABLE "order_status_counts_v2" (
    "status" TEXT NOT NULL,
    "orders" INTEGER NOT NULL,

    CONSTRAINT "order_status_counts_v2_pkey" PRIMARY KEY ("status")
);

-- CreateTable
CREATE TABLE "order_cancel_reasons_v2" (
    "reason_code" TEXT NOT NULL,
    "orders" INTEGER NOT NULL,
    "amount" BIGINT NOT NULL,

    CONSTRAINT "order_cancel_reasons_v2_pkey" PRIMARY KEY ("reason_code")
);
