import type { BrokerLogger, Delivery, DeliveryHandler } from './types.ts';

export interface RunSafelyOptions {
  log: BrokerLogger;
  queue: string;
  /** The queue dead-letters after `x-delivery-limit` (quorum queue with a limit). */
  hasDeliveryLimit: boolean;
}

/**
 * Runs a handler so that nothing it does can crash the consumer. The handler is expected to
 * settle the delivery (ack or nack) before its promise resolves. If it throws, or resolves
 * without settling, the delivery is nacked WITH requeue: the quorum queue's `x-delivery-limit`
 * dead-letters a message that keeps failing (≤ limit + 1 deliveries), while a transient fault
 * (store briefly down) gets another try. A queue without a delivery limit requeues only a first
 * delivery and dead-letters a redelivered one, so a poison message cannot loop forever.
 */
export async function runSafely(
  handler: DeliveryHandler,
  delivery: Delivery,
  options: RunSafelyOptions,
): Promise<void> {
  const { log, queue } = options;
  const messageId = delivery.properties.messageId;
  try {
    await handler(delivery);
    if (!delivery.settled) {
      log.warn({ queue, messageId }, 'handler resolved without settling; nacking');
      nackFailed(delivery, options.hasDeliveryLimit);
    }
  } catch (err) {
    log.error({ err, queue, messageId, deliveryCount: delivery.deliveryCount }, 'handler threw');
    if (!delivery.settled) nackFailed(delivery, options.hasDeliveryLimit);
  }
}

function nackFailed(delivery: Delivery, hasDeliveryLimit: boolean): void {
  delivery.nack({ requeue: hasDeliveryLimit || !delivery.redelivered });
}
