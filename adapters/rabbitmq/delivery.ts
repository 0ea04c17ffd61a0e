import type { Channel, ConsumeMessage } from 'amqplib';
import type { BrokerLogger, Delivery, DeliveryProperties } from './types.ts';

export interface DeliveryContext {
  queue: string;
  log: BrokerLogger;
  /** True while `channel` is still the consumer's live channel (the generation tag). */
  isCurrent: (channel: Channel) => boolean;
}

/**
 * Wraps an amqplib message. `ack`/`nack` go to the channel the message came from, and only while
 * that channel is still the consumer's live one: after a reconnect the broker has already
 * requeued the message, and acking its old tag on a new channel would be a PRECONDITION_FAILED
 * (unknown delivery tag) that kills the new channel. A second settle is ignored as well.
 */
export function createDelivery(
  channel: Channel,
  msg: ConsumeMessage,
  context: DeliveryContext,
): Delivery {
  const { log, queue } = context;
  const headers = (msg.properties.headers ?? {}) as Record<string, unknown>;
  const properties: DeliveryProperties = {
    messageId: optionalString(msg.properties.messageId),
    correlationId: optionalString(msg.properties.correlationId),
    replyTo: optionalString(msg.properties.replyTo),
    contentType: optionalString(msg.properties.contentType),
    contentEncoding: optionalString(msg.properties.contentEncoding),
    type: optionalString(msg.properties.type),
    timestamp: typeof msg.properties.timestamp === 'number' ? msg.properties.timestamp : undefined,
    appId: optionalString(msg.properties.appId),
    headers,
  };
  const countHeader = headers['x-delivery-count'];
  const deliveryCount =
    typeof countHeader === 'number' ? countHeader : msg.fields.redelivered ? 1 : 0;
  let settled = false;

  function settle(action: 'ack' | 'nack', requeue: boolean): boolean {
    const messageId = properties.messageId;
    if (settled) {
      log.debug({ queue, messageId, action }, 'delivery already settled; ignored');
      return false;
    }
    settled = true;
    if (!context.isCurrent(channel)) {
      log.debug(
        { queue, messageId, action },
        'stale delivery (channel gone); settle dropped, the broker requeued it',
      );
      return false;
    }
    try {
      if (action === 'ack') channel.ack(msg);
      else channel.nack(msg, false, requeue);
      return true;
    } catch (err) {
      log.debug({ err, queue, messageId, action }, 'settle failed on a closing channel; dropped');
      return false;
    }
  }

  return {
    body: msg.content,
    properties,
    exchange: msg.fields.exchange,
    routingKey: msg.fields.routingKey,
    redelivered: msg.fields.redelivered,
    deliveryCount,
    ack: () => settle('ack', false),
    nack: (options) => settle('nack', options?.requeue ?? true),
    get settled() {
      return settled;
    },
  };
}

function optionalString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}
