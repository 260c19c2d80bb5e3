// Audit trail logic: pure and browser-safe (no I/O, no Node APIs), so the
// page, the API and the tests share it. lib/queries/order-audit.ts reads.
export * from './corrections';
export * from './describe';
export * from './diff';
export * from './export';
export * from './replay';
export * from './timeline';
export type * from './types';
