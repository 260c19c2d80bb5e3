import Link from 'next/link';
import { UserMenu } from '@/components/auth/user-menu';
import { can, type SessionUser } from '@/lib/auth/permissions';
import { NavLink } from './nav-link';

/** Signed out (the sign-in page), the header shows only the name. */
export function SiteHeader({ user }: { user: SessionUser | null }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      {/* On a phone the nav takes a row of its own under the name and the sign-out: four links do not fit beside them. */}
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-2 gap-y-2 px-4 py-3 sm:flex-nowrap sm:gap-3 sm:px-6">
        <Link
          href="/orders"
          className="flex items-center gap-2 rounded-md font-semibold text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          <LogoMark />
          <span>Ledgerline</span>
        </Link>
        {user && (
          <>
            <nav aria-label="Main" className="order-last -mx-2 w-full sm:order-none sm:mx-0 sm:ml-auto sm:w-auto">
              {/* Five links for an operator: no gap between them on a phone, or the last one overflows. */}
              <ul className="flex items-center gap-0 sm:gap-1">
                <li>
                  <NavLink href="/orders">Orders</NavLink>
                </li>
                {can(user.role, 'orders:write') && (
                  <li>
                    <NavLink href="/orders/new">New order</NavLink>
                  </li>
                )}
                <li>
                  <NavLink href="/dashboard">Dashboard</NavLink>
                </li>
                <li>
                  <NavLink href="/projections">Projections</NavLink>
                </li>
                <li>
                  <NavLink href="/api-docs">API</NavLink>
                </li>
              </ul>
            </nav>
            <UserMenu user={user} />
          </>
        )}
      </div>
    </header>
  );
}

/** Stacked lines: a ledger, drawn inline so nothing is fetched. */
function LogoMark() {
  return (
    <svg viewBox="0 0 24 24" className="size-7" aria-hidden="true">
      <rect width="24" height="24" rx="6" className="fill-indigo-600" />
      <path d="M7 8h10M7 12h10M7 16h6" stroke="white" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}
