import type { Db } from '../db/prisma';

export async function listCatalog(prisma: Db) {
  const products = await prisma.product.findMany({ orderBy: { sku: 'asc' } });
  return products.map(({ sku, name, unitPrice, currency }) => ({ sku, name, unitPrice, currency }));
}

export async function listCustomers(prisma: Db) {
  return prisma.customer.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } });
}

export async function getCustomer(prisma: Db, id: string) {
  return prisma.customer.findUnique({ where: { id }, select: { id: true, name: true, email: true } });
}

/** Recently placed orders, newest first, straight from the event log until the read side exists. */
export async function listRecentOrders(prisma: Db, limit = 20) {
  const rows = await prisma.event.findMany({
    where: { eventType: 'OrderPlaced' },
    orderBy: { globalPosition: 'desc' },
    take: limit,
    select: { streamId: true, data: true, occurredAt: true },
  });
  return rows.map((row) => {
    const data = row.data as { orderId: string; customerId: string; total: number; currency: string };
    return {
      orderId: data.orderId,
      customerId: data.customerId,
      total: data.total,
      currency: data.currency,
      placedAt: row.occurredAt,
    };
  });
}
