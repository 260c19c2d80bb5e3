-- The order stream's upcasters (lib/order-stream/index.ts, ORDER_EVENT_SCHEMA)
-- for queries that fold order events in SQL, such as the historic dashboard:
-- a stored event's data in its type's current shape, as the event store's
-- reads give it to TypeScript. Each new upcaster replaces this function in a
-- migration of its own; tests/integration/upcasting.test.ts checks that both
-- give the same shape for every registered step.
CREATE FUNCTION ledgerline_order_event_data(event_type text, schema_version integer, data jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE
           -- OrderCancelled v1 → v2: nobody chose a reason code before there were codes.
           WHEN event_type = 'OrderCancelled' AND schema_version = 1
             THEN data || '{"reasonCode": "not_recorded"}'::jsonb
           ELSE data
         END
$fn$;
