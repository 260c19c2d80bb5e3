import type { ActionError } from '@/lib/actions/result';
import type { OrderSummary } from '@/lib/read-models/order-summaries/types';

export { ORDER_STATUSES } from '@/lib/read-models/order-summaries/types';

/** A row as the list holds it: the read model's summary, maybe with a write of this tab still on its way. */
export type OrderRow = OrderSummary & { local?: 'placing' | 'cancelling' };

/**
 * A command the server accepted whose events the read model may not show yet.
 * Kept until the orders list's projection passes `position`, so a refetch in between cannot
 * take the row (or its new status) away again.
 */
export type AcceptedWrite = { kind: 'place'; row: OrderRow; position: string } | { kind: 'cancel'; position: string };

/** What a row shows about the tab's own writes. */
export type RowSync = 'pending' | 'confirmed' | null;

/** A refused server action, thrown from a mutationFn so TanStack Query rolls back. */
export class CommandRejected extends Error {
  constructor(readonly error: ActionError) {
    super(error.message);
    this.name = 'CommandRejected';
  }
}

export const TEMP_ID_PREFIX = 'pending-';
