import type { ChannelModel } from 'amqplib';
import { ConfigError, type FieldIssue } from '../../connector/errors.ts';
import type { QueueSpec, TopologySpec } from './topology.ts';

/** The `x-…` arguments a queue is declared with; everything explicit, nothing inherited. */
export function queueArguments(queue: QueueSpec): Record<string, string | number> {
  const args: Record<string, string | number> = {
    'x-queue-type': queue.quorum === false ? 'classic' : 'quorum',
  };
  if (queue.deliveryLimit !== undefined) args['x-delivery-limit'] = queue.deliveryLimit;
  if (queue.deadLetterExchange !== undefined)
    args['x-dead-letter-exchange'] = queue.deadLetterExchange;
  if (queue.deadLetterRoutingKey !== undefined)
    args['x-dead-letter-routing-key'] = queue.deadLetterRoutingKey;
  if (queue.deadLetterStrategy !== undefined)
    args['x-dead-letter-strategy'] = queue.deadLetterStrategy;
  if (queue.messageTtlMs !== undefined) args['x-message-ttl'] = queue.messageTtlMs;
  if (queue.maxLength !== undefined) args['x-max-length'] = queue.maxLength;
  if (queue.overflow !== undefined) args['x-overflow'] = queue.overflow;
  return args;
}

/** Structural checks the broker would only report one at a time (or silently downgrade). */
export function validateTopology(spec: TopologySpec): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const exchanges = new Set(spec.exchanges.map((e) => e.name));
  spec.exchanges.forEach((exchange, i) => {
    if (exchange.name === '' || exchange.name.startsWith('amq.')) {
      issues.push({ path: `exchanges.${i}.name`, message: 'reserved exchange name' });
    }
    if (exchange.alternateExchange !== undefined && !exchanges.has(exchange.alternateExchange)) {
      issues.push({
        path: `exchanges.${i}.alternateExchange`,
        message: 'not declared in the topology',
      });
    }
  });
  spec.queues.forEach((queue, i) => {
    const quorum = queue.quorum !== false;
    if (!quorum && (queue.deliveryLimit !== undefined || queue.deadLetterStrategy !== undefined)) {
      issues.push({
        path: `queues.${i}`,
        message: 'deliveryLimit and deadLetterStrategy need a quorum queue',
      });
    }
    if (queue.deadLetterStrategy === 'at-least-once' && queue.overflow !== 'reject-publish') {
      issues.push({
        path: `queues.${i}.overflow`,
        message: 'at-least-once dead-lettering needs reject-publish',
      });
    }
    if (queue.deadLetterExchange && !exchanges.has(queue.deadLetterExchange)) {
      issues.push({
        path: `queues.${i}.deadLetterExchange`,
        message: 'not declared in the topology',
      });
    }
    queue.bindings.forEach((binding, j) => {
      if (!exchanges.has(binding.exchange)) {
        issues.push({
          path: `queues.${i}.bindings.${j}.exchange`,
          message: 'not declared in the topology',
        });
      }
    });
  });
  return issues;
}

/**
 * Declares the topology on a throwaway channel (a 406 for an inequivalent argument closes only
 * that channel). Idempotent: run it on every (re)connect. Rejects when the broker refuses.
 */
export async function assertTopology(model: ChannelModel, spec: TopologySpec): Promise<void> {
  const channel = await model.createChannel();
  let channelError: unknown;
  channel.on('error', (err: unknown) => {
    channelError = err;
  });
  channel.on('close', () => undefined);
  try {
    for (const exchange of spec.exchanges) {
      await channel.assertExchange(exchange.name, exchange.type, {
        durable: true,
        autoDelete: false,
        ...(exchange.alternateExchange === undefined
          ? {}
          : { alternateExchange: exchange.alternateExchange }),
      });
    }
    for (const queue of spec.queues) {
      await channel.assertQueue(queue.name, {
        durable: true,
        exclusive: false,
        autoDelete: false,
        arguments: queueArguments(queue),
      });
      for (const binding of queue.bindings) {
        await channel.bindQueue(queue.name, binding.exchange, binding.routingKey);
      }
    }
  } catch (err) {
    throw channelError ?? err;
  }
  await channel.close().catch(() => undefined);
}

export function assertValidTopology(spec: TopologySpec): void {
  const issues = validateTopology(spec);
  if (issues.length > 0) throw new ConfigError('invalid RabbitMQ topology', issues);
}
