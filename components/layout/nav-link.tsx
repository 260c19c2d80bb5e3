'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';

/** "Orders" also covers an order's own page, but not the new-order form, which has its own link. */
function isActive(href: string, pathname: string) {
  if (href === '/orders')
    return pathname === '/orders' || (pathname.startsWith('/orders/') && pathname !== '/orders/new');
  return pathname === href;
}

export function NavLink({ href, children }: { href: string; children: ReactNode }) {
  const active = isActive(href, usePathname());
  return (
    <Link
      href={href}
      aria-current={active ? 'page' : undefined}
      className={`rounded-md px-2 py-2 text-sm whitespace-nowrap sm:px-3 font-medium transition-colors focus-visible:outline-2 focus-visible:outline-indigo-600 ${
        active ? 'bg-slate-100 text-slate-900' : 'text-slate-600 hover:bg-slate-50 hover:text-slate-900'
      }`}
    >
      {children}
    </Link>
  );
}
