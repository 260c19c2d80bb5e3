'use client';

import { ErrorNotice } from '@/components/layout/error-notice';
import './globals.css';

// The root layout itself failed (it reads the signed-in user, so a database
// that does not answer ends here): app/error.tsx cannot catch that, and this
// replaces the whole document, hence its own <html> and <body>.
export default function GlobalError(props: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-dvh bg-slate-50 font-sans text-slate-900 antialiased">
        <title>Something went wrong · Ledgerline</title>
        <main className="mx-auto max-w-6xl px-4 py-6 sm:px-6 sm:py-8">
          <ErrorNotice {...props} />
        </main>
      </body>
    </html>
  );
}
