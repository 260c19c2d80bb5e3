import type { ExistingOrder } from '@/lib/domain/order';

const styles: Record<ExistingOrder['status'], { label: string; className: string }> = {
  placed: { label: 'Placed', className: 'bg-sky-50 text-sky-800 ring-sky-600/20' },
  shipped: { label: 'Shipped', className: 'bg-emerald-50 text-emerald-800 ring-emerald-600/20' },
  cancelled: { label: 'Cancelled', className: 'bg-slate-100 text-slate-700 ring-slate-500/20' },
};

export function StatusBadge({ status }: { status: ExistingOrder['status'] }) {
  const { label, className } = styles[status];
  return (
    <span
      data-testid="order-status"
      className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-sm font-medium ring-1 ring-inset ${className}`}
    >
      <span className="size-1.5 rounded-full bg-current" aria-hidden="true" />
      {label}
    </span>
  );
}
