import type { Metadata } from 'next';
import Link from 'next/link';
import { connection } from 'next/server';
import { PageHeader } from '@/components/orders/page-header';
import { RecentOrders } from '@/components/orders/recent-orders';
import { buttonClass } from '@/components/ui/button';
import { listCustomers, listRecentOrders } from '@/lib/queries/reference-data';
import { getServices } from '@/lib/server/services';

export const metadata: Metadata = { title: 'Orders' };

const LIMIT = 20;

export default async function OrdersPage() {
  // Rendered per request: `next build` must never reach for the database.
  await connection();
  const { prisma } = getServices();
  const [orders, customers] = await Promise.all([listRecentOrders(prisma, LIMIT), listCustomers(prisma)]);
  const names = new Map(customers.map((c) => [c.id, c.name]));

  return (
    <>
      <PageHeader
        title="Orders"
        description="The most recently placed orders, newest first."
        actions={
          <Link href="/orders/new" className={buttonClass('primary')}>
            New order
          </Link>
        }
      />
      <RecentOrders
        orders={orders.map((o) => ({
          orderId: o.orderId,
          customerName: names.get(o.customerId) ?? 'Unknown customer',
          total: o.total,
          currency: o.currency,
          placedAt: o.placedAt.toISOString(),
        }))}
      />
    </>
  );
}
