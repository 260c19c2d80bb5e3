'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { UserProvider } from '@/components/auth/user-context';
import type { SessionUser } from '@/lib/auth/permissions';

export function Providers({ user, children }: { user: SessionUser | null; children: ReactNode }) {
  // One client per browser session: created once per mount, never shared between server requests.
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          // Live pushes say when data changed; no need to refetch on every focus.
          queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: 1 },
        },
      }),
  );
  return (
    <UserProvider user={user}>
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </UserProvider>
  );
}
