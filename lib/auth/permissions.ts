// Who may do what. Browser-safe: the UI hides what a role cannot do, and the
// server checks the same table on every route, action and socket.

export const ROLES = ['viewer', 'clerk', 'operator'] as const;
export type Role = (typeof ROLES)[number];

export type Permission =
  /** Read orders, read models, the audit trail and the live feed. */
  | 'read'
  /** Place, ship, re-address and cancel orders. */
  | 'orders:write'
  /** Correct an order's price with a compensating adjustment. */
  | 'orders:adjust'
  /** Reset, rebuild and switch projections. */
  | 'projections:operate'
  /** Scrape the Prometheus metrics (GET /api/metrics; a scrape token also may). */
  | 'metrics:read';

const GRANTS: Record<Role, readonly Permission[]> = {
  viewer: ['read'],
  clerk: ['read', 'orders:write'],
  operator: ['read', 'orders:write', 'orders:adjust', 'projections:operate', 'metrics:read'],
};

export const ROLE_LABELS: Record<Role, string> = { viewer: 'Viewer', clerk: 'Clerk', operator: 'Operator' };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** The signed-in person as every layer sees them; never carries the password hash. */
export type SessionUser = { id: string; username: string; displayName: string; role: Role };

/** What events record about who issued a command. */
export function actorOf(user: SessionUser) {
  return { id: user.id, name: user.displayName };
}
