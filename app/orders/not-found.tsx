import Link from 'next/link';
import { buttonClass } from '@/components/ui/button';

export default function OrderNotFound() {
  return (
    <div className="mx-auto max-w-lg rounded-xl border border-slate-200 bg-white p-6 text-center shadow-sm">
      <p className="text-sm font-semibold text-indigo-600">404</p>
      <h1 className="mt-1 text-lg font-semibold">Order not found</h1>
      <p className="mt-2 text-sm text-slate-600">
        No order has this id. Check the link, or find the order in the list.
      </p>
      <Link href="/orders" className={buttonClass('primary', 'mt-4')}>
        Go to orders
      </Link>
    </div>
  );
}
