import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { createDelivery } from './delivery.ts';
import { runSafely } from './run-safely.ts';
import type {
  BrokerLogger,
  ConsumeOptions,
  ConsumerStatus,
  Delivery,
  DeliveryHandler,
  Timers,
} from './types.ts';

export interface ConsumersOptions {
  log: BrokerLogger;
  timers: Timers;
  now: () => number;
  backoffMs: (attempt: number) => number;
  /** The consume connection when it is up. */
  current: () => ChannelModel | null;
  assertTopology: (model: ChannelModel) => Promise<void>;
  /** True when the queue dead-letters after `x-delivery-limit` (a quorum queue with a limit). */
  hasDeliveryLimit: (queue: string) => boolean;
  onCancelled: (queue: string) => void;
}

interface ConsumerRecord {
  queue: string;
  handler: DeliveryHandler;
  prefetch: number;
  paused: boolean;
  channel: Channel | null;
  consumerTag: string | null;
  needsTopology: boolean;
  starting: boolean;
  attempt: number;
  timer: unknown;
  lastDeliveryAt: number | null;
  inFlight: number;
}

export interface Consumers {
  add(queue: string, handler: DeliveryHandler, options: ConsumeOptions): void;
  /** The consume connection is (back) up: start every consumer that is not paused. */
  attach(): void;
  /** The consume connection is gone: its channels died with it. */
  detach(): void;
  pause(queue: string): Promise<void>;
  resume(queue: string): void;
  stats(queue: string): ConsumerStatus | undefined;
  list(): ConsumerStatus[];
  /** Cancels every consumer, then waits up to `timeoutMs` for in-flight handlers. */
  drain(timeoutMs: number): Promise<void>;
}

/**
 * One channel per consumer (its own prefetch; a channel error hits one queue only). A channel
 * close or a server cancel (`msg === null`, e.g. queue deleted) marks the consumer dead and
 * restarts it with backoff after re-asserting the topology. Deliveries are tagged with their
 * channel; see `createDelivery`.
 */
export function createConsumers(options: ConsumersOptions): Consumers {
  const { log, timers } = options;
  const records = new Map<string, ConsumerRecord>();
  let closing = false;
  let idleWaiters: (() => void)[] = [];

  const status = (r: ConsumerRecord): ConsumerStatus => ({
    queue: r.queue,
    alive: r.consumerTag !== null && r.channel !== null,
    paused: r.paused,
    lastDeliveryAt: r.lastDeliveryAt,
    inFlight: r.inFlight,
  });

  function scheduleRestart(r: ConsumerRecord): void {
    if (closing || r.paused || r.timer !== null || !options.current()) return;
    const delayMs = options.backoffMs(r.attempt++);
    log.info({ queue: r.queue, delayMs }, 'amqp consumer restart scheduled');
    r.timer = timers.setTimeout(() => {
      r.timer = null;
      void start(r);
    }, delayMs);
  }

  function dropChannel(r: ConsumerRecord): void {
    const ch = r.channel;
    r.channel = null;
    r.consumerTag = null;
    if (ch) ch.close().catch(() => undefined);
  }

  async function openChannel(r: ConsumerRecord, model: ChannelModel): Promise<Channel> {
    const ch = await model.createChannel();
    ch.on('error', (err: unknown) =>
      log.warn({ err, queue: r.queue }, 'amqp consumer channel error'),
    );
    ch.on('handler-error', (err: unknown, event: string) =>
      log.error({ err, queue: r.queue, event }, 'amqp consumer channel listener threw'),
    );
    ch.on('close', () => {
      if (r.channel !== ch) return;
      r.channel = null;
      r.consumerTag = null;
      r.needsTopology = true;
      scheduleRestart(r);
    });
    await ch.prefetch(r.prefetch);
    return ch;
  }

  async function start(r: ConsumerRecord): Promise<void> {
    const model = options.current();
    if (closing || r.paused || r.starting || r.timer !== null || r.consumerTag !== null || !model)
      return;
    r.starting = true;
    try {
      if (r.needsTopology) {
        await options.assertTopology(model);
        r.needsTopology = false;
      }
      if (!r.channel) r.channel = await openChannel(r, model);
      const ch = r.channel;
      if (closing || r.paused) return;
      const { consumerTag } = await ch.consume(r.queue, (msg) => onMessage(r, ch, msg), {
        noAck: false,
      });
      if (r.channel !== ch) return;
      r.consumerTag = consumerTag;
      r.attempt = 0;
      if (closing || r.paused) {
        await cancel(r);
        return;
      }
      log.info({ queue: r.queue, prefetch: r.prefetch }, 'amqp consumer started');
    } catch (err) {
      log.warn({ err, queue: r.queue }, 'amqp consumer start failed');
      r.needsTopology = true;
      scheduleRestart(r);
    } finally {
      r.starting = false;
    }
  }

  function onMessage(r: ConsumerRecord, ch: Channel, msg: ConsumeMessage | null): void {
    if (msg === null) {
      log.warn({ queue: r.queue }, 'amqp consumer cancelled by the broker');
      if (r.channel === ch) {
        dropChannel(r);
        r.needsTopology = true;
      }
      options.onCancelled(r.queue);
      scheduleRestart(r);
      return;
    }
    r.lastDeliveryAt = options.now();
    r.inFlight += 1;
    const delivery = createDelivery(ch, msg, {
      queue: r.queue,
      log,
      isCurrent: (c) => r.channel === c,
    });
    void runHandler(r, delivery);
  }

  async function runHandler(r: ConsumerRecord, delivery: Delivery): Promise<void> {
    try {
      await runSafely(r.handler, delivery, {
        log,
        queue: r.queue,
        hasDeliveryLimit: options.hasDeliveryLimit(r.queue),
      });
    } finally {
      r.inFlight -= 1;
      if (totalInFlight() === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const w of waiters) w();
      }
    }
  }

  const totalInFlight = (): number => [...records.values()].reduce((n, r) => n + r.inFlight, 0);

  async function cancel(r: ConsumerRecord): Promise<void> {
    const ch = r.channel;
    const tag = r.consumerTag;
    r.consumerTag = null;
    if (r.timer !== null) timers.clearTimeout(r.timer);
    r.timer = null;
    if (ch && tag)
      await ch
        .cancel(tag)
        .catch((err: unknown) => log.debug({ err, queue: r.queue }, 'cancel failed'));
  }

  return {
    add(queue, handler, consumeOptions) {
      if (records.has(queue)) throw new Error(`already consuming ${queue}`);
      if (!Number.isInteger(consumeOptions.prefetch) || consumeOptions.prefetch < 1) {
        throw new Error('prefetch must be a positive integer');
      }
      const r: ConsumerRecord = {
        queue,
        handler,
        prefetch: consumeOptions.prefetch,
        paused: false,
        channel: null,
        consumerTag: null,
        needsTopology: false,
        starting: false,
        attempt: 0,
        timer: null,
        lastDeliveryAt: null,
        inFlight: 0,
      };
      records.set(queue, r);
      void start(r);
    },
    attach() {
      for (const r of records.values()) void start(r);
    },
    detach() {
      for (const r of records.values()) {
        r.channel = null;
        r.consumerTag = null;
        if (r.timer !== null) timers.clearTimeout(r.timer);
        r.timer = null;
        r.attempt = 0;
      }
    },
    async pause(queue) {
      const r = records.get(queue);
      if (!r || r.paused) return;
      r.paused = true;
      await cancel(r);
    },
    resume(queue) {
      const r = records.get(queue);
      if (!r || !r.paused) return;
      r.paused = false;
      void start(r);
    },
    stats(queue) {
      const r = records.get(queue);
      return r ? status(r) : undefined;
    },
    list: () => [...records.values()].map(status),
    async drain(timeoutMs) {
      closing = true;
      await Promise.all([...records.values()].map(cancel));
      if (totalInFlight() === 0) return;
      await new Promise<void>((resolve) => {
        const t = timers.setTimeout(resolve, timeoutMs);
        idleWaiters.push(() => {
          timers.clearTimeout(t);
          resolve();
        });
      });
    },
  };
}
