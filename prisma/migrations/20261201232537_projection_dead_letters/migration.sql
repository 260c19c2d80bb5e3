-- CreateTable
CREATE TABLE "projection_dead_letters" (
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "transaction_id" BIGINT NOT NULL,
    "global_position" BIGINT NOT NULL,
    "stream_id" TEXT NOT NULL,
    "stream_version" INTEGER NOT NULL,
    "event_type" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "projection_dead_letters_pkey" PRIMARY KEY ("name","version","global_position")
);

-- The domain's money bounds (lib/domain/order/amounts.ts, amountProblem) for
-- queries that fold order events in SQL (the historic dashboard) and for the
-- repair below: true when the event's amounts could have been decided. The
-- bounds (MAX_ORDER_TOTAL = MAX_ADJUSTMENT = 1,000,000,000 minor units) are
-- frozen here; tests/integration/money-bounds.test.ts checks that both agree.
CREATE FUNCTION ledgerline_amount(value jsonb, lo bigint, hi bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  -- Nested CASE: the cast only runs once the text is known to be a short integer.
  SELECT CASE WHEN jsonb_typeof(value) = 'number' AND value::text ~ '^-?[0-9]{1,10}$' THEN
           CASE WHEN value::text::bigint BETWEEN lo AND hi THEN value::text::bigint END
         END
$fn$;

CREATE FUNCTION ledgerline_order_amounts_valid(event_type text, data jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE event_type
           WHEN 'OrderPlaced' THEN ledgerline_amount(data->'total', 0, 1000000000) IS NOT NULL
           WHEN 'OrderCancelled' THEN ledgerline_amount(data->'amount', 0, 1000000000) IS NOT NULL
           WHEN 'OrderPriceAdjusted' THEN coalesce(
             ledgerline_amount(data->'amountDelta', -1000000000, 1000000000) <> 0
             AND ledgerline_amount(data->'previousTotal', 0, 1000000000)
                 + ledgerline_amount(data->'amountDelta', -1000000000, 1000000000)
                 = ledgerline_amount(data->'newTotal', 0, 1000000000),
             false)
           ELSE true
         END
$fn$;

-- Repair of read models damaged before money had bounds: if the log holds an
-- event whose amounts the domain now refuses, the v1 projections folded it
-- into their totals (wrong, past 2^53, or stalled on a bigint overflow).
-- They are rebuilt from the start; the rebuild sets such events aside in
-- projection_dead_letters. A log without such events is left alone.
DO $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM events
     WHERE stream_type = 'order' AND NOT ledgerline_order_amounts_valid(event_type, data)
  ) THEN
    TRUNCATE order_summaries_v1, customer_stats_v1, customer_stats_orders_v1, order_metrics_minute_v1,
             order_status_counts_v1;
    UPDATE projection_checkpoints
       SET transaction_id = 0, global_position = 0, events_processed = 0, status = 'idle',
           last_error = NULL, last_error_at = NULL, failed_attempts = 0, processed_at = NULL
     WHERE version = 1 AND name IN ('order_summaries', 'customer_stats', 'order_metrics');
    RAISE NOTICE 'Events with out-of-bounds amounts found: the v1 projections rebuild from the start.';
  END IF;
END $$;
