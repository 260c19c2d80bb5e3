// The API's shapes for customer statistics: pure, so Client Components may import them.

export type CustomerStats = {
  customerId: string;
  totalOrders: number;
  totalSpent: number;
  cancelledOrders: number;
  cancelledAmount: number;
  lastOrderAt: string | null;
};

export type CustomerStatsRow = CustomerStats & { name: string };

/** The customer list's orders (GET /api/stats/customers?sort=): biggest spenders, most orders, A–Z, latest order. */
export const CUSTOMER_SORTS = ['spent', 'orders', 'name', 'last'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];
