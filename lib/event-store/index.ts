export * from './errors';
export * from './position';
export * from './store';
export * from './types';
export { GENESIS_HASH } from './hash';
export { createAppendNotifier } from './notify';
export { createSharedReadAll, type ReadAll } from './shared-read';
export * from './transaction-counter';
