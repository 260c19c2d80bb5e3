import { NextResponse } from 'next/server';
import { placeOrder, placeOrderSchema } from '@/lib/commands';
import { commandContext } from '@/lib/http/headers';
import { parseInput } from '@/lib/http/input';
import { readJsonObject } from '@/lib/http/read-json';
import { commandResponse, handle } from '@/lib/http/respond';
import { listOrderSummaries } from '@/lib/read-models/order-summaries/list';
import { listOrdersQuerySchema } from '@/lib/read-models/order-summaries/list-params';
import { getServices } from '@/lib/server/services';

// GET reads the orders list's projection on every request; never serve a build-time copy.
export const dynamic = 'force-dynamic';

export async function POST(req: Request) {
  return handle(req, 'orders:write', async (user) => {
    const context = commandContext(req, user, { conditional: false });
    const input = parseInput(placeOrderSchema, await readJsonObject(req));
    return commandResponse(await placeOrder(getServices(), input, context), 201);
  });
}

export async function GET(req: Request) {
  return handle(req, 'read', async () => {
    const query = parseInput(listOrdersQuerySchema, Object.fromEntries(new URL(req.url).searchParams));
    return NextResponse.json(await listOrderSummaries(getServices().pool, query));
  });
}
