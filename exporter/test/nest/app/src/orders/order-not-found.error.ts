/** A domain error of the orders module; its own filter turns it into a 404 answer. */
export class OrderNotFoundError extends Error {
  override name = 'OrderNotFoundError';
  constructor(readonly orderId: number) {
    super(`order ${orderId} does not exist`);
  }
}
