'use client';

import { createContext, useContext, type ReactNode } from 'react';
import { can, type Permission, type SessionUser } from '@/lib/auth/permissions';

// The signed-in user, read once by the root layout on the server. The UI uses
// it only to hide what a role cannot do; the server checks every request anyway.
const UserContext = createContext<SessionUser | null>(null);

export function UserProvider({ user, children }: { user: SessionUser | null; children: ReactNode }) {
  return <UserContext.Provider value={user}>{children}</UserContext.Provider>;
}

export function useUser(): SessionUser | null {
  return useContext(UserContext);
}

export function useCan(permission: Permission): boolean {
  const user = useUser();
  return user !== null && can(user.role, permission);
}
