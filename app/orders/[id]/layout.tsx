import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { requireUser } from '@/lib/auth/current-user';
import { orderStreamId } from '@/lib/order-stream';
import { orderIdSchema } from '@/lib/commands/schemas';
import { getServices } from '@/lib/server/services';

// The existence check lives here, above this route's loading.tsx: once the
// loading skeleton has streamed, the response is committed to 200, and an
// unknown order would be a "404" page sent with status 200.
export default async function OrderLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ id: string }>;
}) {
  // Before anything else: whether an order exists is not for strangers to learn.
  await requireUser();
  const { id } = await params;
  // A malformed id can name no order, so it never reaches the database.
  if (!orderIdSchema.safeParse(id).success) notFound();
  await connection();
  // One indexed row; the page then reads the whole stream behind the skeleton.
  if ((await getServices().store.streamVersion(orderStreamId(id))) === 0) notFound();
  return children;
}
