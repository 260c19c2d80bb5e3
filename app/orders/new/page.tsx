import type { Metadata } from 'next';
import { connection } from 'next/server';
import { PageHeader } from '@/components/orders/page-header';
import { PlaceOrderForm } from '@/components/orders/place-order-form';
import { listCatalog, listCustomers } from '@/lib/queries/reference-data';
import { getServices } from '@/lib/server/services';

export const metadata: Metadata = { title: 'New order' };

export default async function NewOrderPage() {
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
