'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { SessionExpiredDialog } from '@/components/auth/session-expired-dialog';
import { UserProvider } from '@/components/auth/user-context';
import { ConnectionBanner } from '@/components/connection/connection-banner';
import { NavigationProgress } from '@/components/connection/navigation-progress';
import type { SessionUser } from '@/lib/auth/permissions';

export function Providers({ user, children }: { user: SessionUser | null; children: ReactNode }) {
  // One client per browser session: created once per mount, never shared between server requests.
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          // Live pushes say when data changed; no need to refetch on every focus.
          queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: 1 },
          // TanStack pauses an offline mutation and sends it when the browser
          // is back, with no word to anyone: commands must not be queued
          // unannounced, so they are always tried, and refused while offline
          // with a message (callAction, sendJson).
          mutations: { networkMode: 'always' },
        },
      }),
  );
  return (
    <UserProvider user={user}>
      <QueryClientProvider client={client}>
        <NavigationProgress />
        <ConnectionBanner />
        {children}
        {user && <SessionExpiredDialog />}
      </QueryClientProvider>
    </UserProvider>
  );
}
