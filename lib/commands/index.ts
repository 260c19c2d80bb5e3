export { placeOrder } from './place-order';
export { shipOrder } from './ship-order';
export { cancelOrder } from './cancel-order';
export { changeShippingAddress } from './change-shipping-address';
export { adjustOrderPrice } from './adjust-order-price';
export * from './schemas';
export type * from './types';
