import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { OrderDetail } from '@/components/orders/order-detail';
import { orderIdSchema } from '@/lib/commands/schemas';
import { isAppError } from '@/lib/errors';
import { getOrder } from '@/lib/queries/get-order';
import { getCustomer } from '@/lib/queries/reference-data';
import { getServices } from '@/lib/server/services';
import { requireUser } from '@/lib/auth/current-user';

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  return { title: `Order #${id.slice(0, 8)}` };
}

export default async function OrderPage({ params }: Props) {
  await requireUser();
  const { id } = await params;
  // layout.tsx has already answered 404 for unknown ids; this guards the page on its own.
  if (!orderIdSchema.safeParse(id).success) notFound();
  await connection();

  const { store, prisma } = getServices();
  const view = await getOrder(store, id).catch((error: unknown) => {
    if (isAppError(error) && error.code === 'NOT_FOUND') return null;
    throw error;
  });
  if (!view) notFound();
  const customer = await getCustomer(prisma, view.order.customerId);

  return (
    <>
      <Link
        href="/orders"
        className="mb-4 inline-flex items-center gap-1 rounded text-sm text-slate-600 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <span aria-hidden="true">←</span> All orders
      </Link>
      <OrderDetail view={view} customer={customer} />
    </>
  );
}
