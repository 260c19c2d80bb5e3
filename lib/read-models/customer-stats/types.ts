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
