import type { Metadata } from 'next';
import { connection } from 'next/server';
import { PageHeader } from '@/components/orders/page-header';
import { PlaceOrderForm } from '@/components/orders/place-order-form';
import { listCatalog, listCustomers } from '@/lib/queries/reference-data';
import { getServices } from '@/lib/server/services';
import { requireUser } from '@/lib/auth/current-user';
import { can, ROLE_LABELS } from '@/lib/auth/permissions';

export const metadata: Metadata = { title: 'New order' };

export default async function NewOrderPage() {
  const user = await requireUser();
  if (!can(user.role, 'orders:write')) {
    return (
      <div className="mx-auto max-w-3xl">
        <PageHeader title="New order" />
        <p role="alert" className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900">
          {ROLE_LABELS[user.role]}s can read orders but not place them. Ask a clerk or an operator.
        </p>
      </div>
    );
  }
  await connection();
  const { prisma } = getServices();
  const [customers, products] = await Promise.all([listCustomers(prisma), listCatalog(prisma)]);
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title="New order" description="Choose a customer, add products and say where to ship them." />
      <PlaceOrderForm customers={customers} products={products} />
    </div>
  );
}
