import { amountProblem } from '../domain/order';
import { toOrderEvent } from '../order-stream';
import type { ProjectionEvent } from '../event-store';

/**
 * For every projection that adds up order amounts: an order event whose
 * amounts the domain refuses (see amountProblem) is set aside, never summed.
 * evolve() refuses the same events, so the order's page and these rows agree
 * on what counts.
 */
export function orderAmountProblem(event: ProjectionEvent): string | null {
  if (event.streamType !== 'order') return null;
  return amountProblem(toOrderEvent(event));
}
