/**
 * Adapts the RabbitMQ adapter's `Broker` to the pipeline's `BrokerPort`: deliveries flattened to
 * `InboundDelivery`, delayed publishes routed through the delay exchanges (publish to the delay
 * step's exchange with the target inbound queue as routing key; the broker returns it on expiry).
 */
import type { Broker, Delivery } from '../adapters/rabbitmq/index.ts';
import type { ConnectorConfig } from '../config/index.ts';
import { brokerNames } from './broker-names.ts';
import type { InboundDelivery } from './pipeline/ports.ts';
import { pickDelayMs } from './pipeline/retry-publisher.ts';
import type { BrokerPort } from './runtime.ts';

export function toInboundDelivery(d: Delivery): InboundDelivery {
  return {
    body: d.body,
    routingKey: d.routingKey,
    messageId: d.properties.messageId,
    replyTo: d.properties.replyTo,
    correlationId: d.properties.correlationId,
    headers: d.properties.headers,
    redelivered: d.redelivered,
    ack: () => {
      d.ack();
    },
    nack: (options) => {
      d.nack(options);
    },
  };
}

export function createBrokerPort(broker: Broker, config: ConnectorConfig): BrokerPort {
  const names = brokerNames(config);
  return {
    publish: (exchange, routingKey, body, options) =>
      broker.publish(exchange, routingKey, body, options),
    sendToQueue: (queue, body, options) => broker.sendToQueue(queue, body, options),
    publishDelayed: (targetQueue, delayMs, body, options) =>
      broker.publish(
        names.retryQueue(pickDelayMs(config.broker.retryDelaysMs, delayMs)),
        targetQueue,
        body,
        options,
      ),
    consume: (queue, handler, options) => {
      broker.consume(queue, (d) => handler(toInboundDelivery(d)), options);
      return Promise.resolve();
    },
    pause: (queue) => broker.pause(queue),
    resume: (queue) => {
      broker.resume(queue);
      return Promise.resolve();
    },
    status: () => {
      const s = broker.status();
      return {
        connected: s.connected,
        blocked: s.blocked,
        consumers: s.consumers.map((c) => ({
          queue: c.queue,
          alive: c.alive || c.paused,
          lastDeliveryAt: c.lastDeliveryAt,
          inFlight: c.inFlight,
        })),
      };
    },
    close: () => broker.close(),
  };
}
