import amqplib, { type ChannelModel } from 'amqplib';
import { withDefaultHeartbeat } from './amqp-url.ts';
import { assertTopology, assertValidTopology } from './assert-topology.ts';
import { createBackoff } from './backoff.ts';
import { BrokerError } from './broker-error.ts';
import { createConsumers } from './consumers.ts';
import { createEmitter } from './emitter.ts';
import { createLink } from './link.ts';
import { createPublisher } from './publisher.ts';
import type { Broker, BrokerEvents, BrokerOptions, ConnectFn, LinkName, Timers } from './types.ts';

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const defaultConnect: ConnectFn = (url, socketOptions) => amqplib.connect(url, socketOptions);

/**
 * The RabbitMQ supervisor: two connections (consume, publish), each re-established with capped
 * full-jitter backoff and set up again (topology, confirm channel, consumers) after every
 * reconnect. See RELIABILITY.md §4 for the pitfalls each part answers.
 */
export function createBroker(options: BrokerOptions): Broker {
  assertValidTopology(options.topology);
  const { log, topology } = options;
  const timers = options.timers ?? defaultTimers;
  const now = options.now ?? Date.now;
  const backoffMs = createBackoff({
    baseMs: options.reconnectBaseMs ?? 500,
    maxMs: options.reconnectMaxMs ?? 5_000,
    ...(options.random ? { random: options.random } : {}),
  });
  const url = withDefaultHeartbeat(options.url, options.heartbeatSeconds ?? 10);
  const connect = options.connect ?? defaultConnect;
  const emitter = createEmitter<BrokerEvents>(log);
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  const limited = new Set(
    topology.queues
      .filter((q) => q.quorum !== false && q.deliveryLimit !== undefined)
      .map((q) => q.name),
  );
  const declare = (model: ChannelModel): Promise<void> => assertTopology(model, topology);

  const publisher = createPublisher({
    log,
    timers,
    backoffMs,
    timeoutMs: options.publishTimeoutMs ?? 10_000,
    maxUnconfirmed: options.maxUnconfirmed ?? 256,
    isBlocked: () => links.publish.isBlocked(),
  });

  const linkOptions = (name: LinkName) => ({
    name,
    url,
    socketOptions: {
      // A connect attempt that hangs (a partition drops packets silently) gives up after 10 s,
      // instead of waiting on the kernel's SYN retries; the backoff then tries again.
      timeout: 10_000,
      ...options.socketOptions,
      clientProperties: {
        connection_name: `${options.connectionName ?? 'agency-connector'}:${name}`,
      },
    },
    connect,
    log,
    timers,
    backoffMs,
    closeTimeoutMs: 5000,
    onDown: (error: Error | undefined) =>
      emitter.emit('disconnected', { link: name, ...(error ? { error } : {}) }),
    onBlocked: (reason: string) => emitter.emit('blocked', { link: name, reason }),
    onUnblocked: () => emitter.emit('unblocked', { link: name }),
  });

  const links = {
    consume: createLink({
      ...linkOptions('consume'),
      setup: declare,
      onUp: () => {
        emitter.emit('connected', { link: 'consume' });
        consumers.attach();
      },
      onDown: (error) => {
        consumers.detach();
        linkOptions('consume').onDown(error);
      },
    }),
    publish: createLink({
      ...linkOptions('publish'),
      setup: async (model) => {
        await declare(model);
        await publisher.attach(model);
      },
      onUp: () => emitter.emit('connected', { link: 'publish' }),
      onClosed: (model) => publisher.detach(model),
    }),
  };

  const consumers = createConsumers({
    log,
    timers,
    now,
    backoffMs,
    current: () => links.consume.current(),
    assertTopology: declare,
    hasDeliveryLimit: (queue) => limited.has(queue),
    onCancelled: (queue) => emitter.emit('consumer-cancelled', { queue }),
  });

  let closing: Promise<void> | null = null;

  async function checkQueue(
    queue: string,
  ): Promise<{ messageCount: number; consumerCount: number }> {
    const model = links.consume.current() ?? links.publish.current();
    if (!model)
      throw new BrokerError('not connected to the broker', { reason: 'disconnected', queue });
    const ch = await model.createChannel();
    let replyCode: number | undefined;
    ch.on('error', (err: { code?: number }) => {
      replyCode = err.code;
    });
    ch.on('close', () => undefined);
    try {
      const { messageCount, consumerCount } = await ch.checkQueue(queue);
      await ch.close().catch(() => undefined);
      return { messageCount, consumerCount };
    } catch (err) {
      const code = replyCode ?? (err as { code?: number }).code;
      const reason = code === 404 ? 'not-found' : 'failed';
      throw new BrokerError(
        `checkQueue failed: ${reason}`,
        { reason, queue, ...(code ? { replyCode: code } : {}) },
        { cause: err },
      );
    }
  }

  return {
    start() {
      links.consume.start();
      links.publish.start();
    },
    publish: (exchange, routingKey, body, publishOptions) =>
      publisher.publish(exchange, routingKey, body, publishOptions),
    sendToQueue: (queue, body, publishOptions) =>
      publisher.publish('', queue, body, publishOptions),
    consume(queue, handler, consumeOptions) {
      if (closing) throw new BrokerError('broker is closing', { reason: 'closing', queue });
      consumers.add(queue, handler, consumeOptions);
    },
    pause: (queue) => consumers.pause(queue),
    resume: (queue) => consumers.resume(queue),
    consumerStats: (queue) => consumers.stats(queue),
    checkQueue,
    status() {
      const consume = links.consume.current() !== null;
      const publish = links.publish.current() !== null;
      return {
        connected: consume && publish,
        links: { consume, publish },
        blocked: links.consume.isBlocked() || links.publish.isBlocked(),
        consumers: consumers.list(),
        unconfirmed: publisher.unconfirmed(),
      };
    },
    on: (event, listener) => emitter.on(event, listener),
    close() {
      closing ??= (async () => {
        log.info({}, 'amqp broker closing');
        await Promise.all([consumers.drain(drainTimeoutMs), publisher.drain(drainTimeoutMs)]);
        await Promise.all([links.consume.stop(), links.publish.stop()]);
        log.info({}, 'amqp broker closed');
      })();
      return closing;
    },
    testHooks: {
      destroySocket: (link) => links[link].destroySocket(),
    },
  };
}
