'use client';

import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { cancelOrderAction, placeOrderAction } from '@/components/orders/actions';
import type { CancelReasonCode } from '@/lib/domain/order/rules';
import { callAction } from '@/components/orders/call-action';
import { newCommandId } from '@/components/orders/command-id';
import {
  belongsOnFirstPage,
  ordersListKey,
  paramsOfKey,
  type OrdersPage,
} from '@/lib/read-models/order-summaries/client';
import type { PlaceOrderInput } from '@/lib/commands/schemas';
import { CommandRejected, TEMP_ID_PREFIX, type AcceptedWrite, type OrderRow } from './types';

/** Mutations that touch the orders lists; a push waits while any of them is in flight. */
export const ordersMutationKey = ['orders'] as const;

type Lists = OrdersPage;
type Snapshot = [readonly unknown[], Lists | undefined][];

export type PlaceVariables = PlaceOrderInput & { commandId: string; preview: OrderRow };
export type CancelVariables = {
  orderId: string;
  expectedVersion: number;
  reason: string;
  reasonCode: CancelReasonCode;
  commandId: string;
};

/** Cancels every orders fetch in flight (so none lands on top of the write), then snapshots them all. */
async function cancelAndSnapshot(client: QueryClient): Promise<Snapshot> {
  await client.cancelQueries({ queryKey: ordersListKey });
  return client.getQueriesData<Lists>({ queryKey: ordersListKey });
}

function restore(client: QueryClient, snapshot: Snapshot | undefined) {
  for (const [key, data] of snapshot ?? []) client.setQueryData(key, data);
}

function mapRows(client: QueryClient, map: (row: OrderRow) => OrderRow) {
  client.setQueriesData<Lists>(
    { queryKey: ordersListKey },
    (data) => data && { ...data, orders: data.orders.map(map) },
  );
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  if (!(key in record)) return record;
  const copy = { ...record };
  delete copy[key];
  return copy;
}

export function useOrderCommands() {
  const client = useQueryClient();
  const [accepted, setAccepted] = useState<Record<string, AcceptedWrite>>({});
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});

  const place = useMutation({
    mutationKey: [...ordersMutationKey, 'place'],
    mutationFn: async ({ customerId, items, shippingAddress, commandId }: PlaceVariables) => {
      const result = await callAction(placeOrderAction, { customerId, items, shippingAddress, commandId });
      if (!result.ok) throw new CommandRejected(result.error);
      return result.data;
    },
    onMutate: async ({ preview }) => {
      const snapshot = await cancelAndSnapshot(client);
      // Only on top of the first pages whose filters the new order passes: a list of shipped orders must not show it.
      for (const [key, data] of snapshot) {
        if (!data || !belongsOnFirstPage(preview, paramsOfKey(key))) continue;
        const total = { ...data.total, count: data.total.count + (data.total.exact ? 1 : 0) };
        client.setQueryData<Lists>(key, { ...data, orders: [preview, ...data.orders], total });
      }
      return { snapshot };
    },
    onError: (_error, _variables, context) => restore(client, context?.snapshot),
    onSuccess: ({ orderId, version, position }, { preview }) => {
      const row: OrderRow = { ...preview, orderId, version, position };
      // Still pending: the command is stored, the read model may not show it yet.
      mapRows(client, (r) => (r.orderId === preview.orderId ? row : r));
      setAccepted((all) => ({ ...all, [orderId]: { kind: 'place', row, position } }));
    },
    onSettled: () => client.invalidateQueries({ queryKey: ordersListKey }),
  });

  const cancel = useMutation({
    mutationKey: [...ordersMutationKey, 'cancel'],
    mutationFn: async (request: CancelVariables) => {
      const result = await callAction(cancelOrderAction, request);
      if (!result.ok) throw new CommandRejected(result.error);
      return result.data;
    },
    onMutate: async ({ orderId }) => {
      setRowErrors((all) => without(all, orderId));
      const snapshot = await cancelAndSnapshot(client);
      mapRows(client, (row) => (row.orderId === orderId ? { ...row, local: 'cancelling' } : row));
      return { snapshot };
    },
    onError: (error, { orderId }, context) => {
      restore(client, context?.snapshot);
      setRowErrors((all) => ({ ...all, [orderId]: `Not cancelled: ${error.message}` }));
    },
    onSuccess: ({ orderId, position }) => {
      setAccepted((all) => ({ ...all, [orderId]: { kind: 'cancel', position } }));
    },
    onSettled: () => client.invalidateQueries({ queryKey: ordersListKey }),
  });

  const placeOrder = useCallback(
    (input: PlaceOrderInput, preview: Omit<OrderRow, 'orderId' | 'local'>, options?: { onSuccess?: () => void }) => {
      const commandId = newCommandId();
      place.mutate(
        { ...input, commandId, preview: { ...preview, orderId: `${TEMP_ID_PREFIX}${commandId}`, local: 'placing' } },
        options,
      );
    },
    [place],
  );

  const cancelOrder = useCallback(
    (row: OrderRow, reason: string, reasonCode: CancelReasonCode) =>
      cancel.mutate({
        orderId: row.orderId,
        expectedVersion: row.version,
        reason,
        reasonCode,
        commandId: newCommandId(),
      }),
    [cancel],
  );

  const dismissRowError = useCallback((orderId: string) => setRowErrors((all) => without(all, orderId)), []);

  return { place, cancel, placeOrder, cancelOrder, accepted, rowErrors, dismissRowError };
}
