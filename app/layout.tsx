import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { SiteHeader } from '@/components/layout/site-header';
import { currentUser } from '@/lib/auth/current-user';
import { Providers } from './providers';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Ledgerline', template: '%s · Ledgerline' },
  description: 'Orders with a complete, verifiable history.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  return (
    <html lang="en">
      <body className="min-h-dvh bg-slate-50 font-sans text-slate-900 antialiased">
        <a
          href="#main"
          className="sr-only rounded-md bg-white px-3 py-2 text-sm font-medium focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50"
        >
          Skip to content
        </a>
        <SiteHeader user={user} />
        <main id="main" className="mx-auto max-w-6xl px-4 py-6 sm:px-6 sm:py-8">
          <Providers user={user}>{children}</Providers>
        </main>
      </body>
    </html>
  );
}
