/**
 * Broker helpers of the benchmarks, on a raw amqplib connection independent of the connector:
 * declare the connector's topology for a namespace (so a backlog can be published before the
 * connector starts), publish events with confirms in batches, count what arrives on an exchange,
 * and delete everything afterwards.
 */
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import { assertTopology, type TopologySpec } from '../../adapters/rabbitmq/index.ts';

export interface BenchBroker {
  model: ChannelModel;
  channel: ConfirmChannel;
  close(): Promise<void>;
}

export async function openBroker(url: string): Promise<BenchBroker> {
  const model = await amqp.connect(url);
  model.on('error', () => undefined);
  const channel = await model.createConfirmChannel();
  channel.on('error', () => undefined);
  return {
    model,
    channel,
    async close() {
      await channel.close().catch(() => undefined);
      await model.close().catch(() => undefined);
    },
  };
}

/** The topology the connector declares for this config (same arguments, so no 406 later). */
export { connectorTopology } from '../../connector/adapters-from-config.ts';

export async function declare(broker: BenchBroker, spec: TopologySpec): Promise<void> {
  await assertTopology(broker.model, spec);
}

/** Deletes every queue and exchange of the spec (and the extra queues); errors are ignored. */
export async function deleteAll(
  broker: BenchBroker,
  spec: TopologySpec,
  extraQueues: string[] = [],
): Promise<void> {
  const ch = await broker.model.createChannel();
  ch.on('error', () => undefined);
  for (const q of [...spec.queues.map((q) => q.name), ...extraQueues]) {
    await ch.deleteQueue(q).catch(() => undefined);
  }
  for (const e of spec.exchanges) await ch.deleteExchange(e.name).catch(() => undefined);
  await ch.close().catch(() => undefined);
}

export interface OutgoingMessage {
  routingKey: string;
  body: string;
  messageId: string;
}

/**
 * Publishes `count` messages built by `make(i)`, persistent, waiting for the broker's confirms
 * after every `batchSize`. Returns the messages per second.
 */
export async function publishBatched(
  broker: BenchBroker,
  exchange: string,
  count: number,
  make: (i: number) => OutgoingMessage,
  batchSize = 500,
): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i += batchSize) {
    const end = Math.min(count, i + batchSize);
    for (let j = i; j < end; j++) {
      const m = make(j);
      const ok = broker.channel.publish(exchange, m.routingKey, Buffer.from(m.body), {
        persistent: true,
        contentType: 'application/json',
        messageId: m.messageId,
      });
      if (!ok) await new Promise((resolve) => broker.channel.once('drain', resolve));
    }
    await broker.channel.waitForConfirms();
  }
  return count / ((performance.now() - start) / 1000);
}

export interface Arrivals {
  /** Distinct messages (by message id; a re-published result keeps its id). */
  readonly count: number;
  /** Every delivery, duplicates included. */
  readonly total: number;
  /** Distinct messages per routing key. */
  readonly byRoutingKey: Map<string, number>;
  /** performance.now() of the first and the last arrival. */
  readonly firstAtMs: number | null;
  readonly lastAtMs: number | null;
  /** Resolves when `n` messages have arrived, rejects after `timeoutMs`. */
  waitFor(n: number, timeoutMs: number): Promise<void>;
  /** Name of the classic queue bound to the exchange (exclusive, deleted with the connection). */
  queue: string;
}

/** Binds an exclusive classic queue to `exchange` with `#` and counts what arrives (no-ack). */
export async function countArrivals(broker: BenchBroker, exchange: string): Promise<Arrivals> {
  const ch = await broker.model.createChannel();
  ch.on('error', () => undefined);
  const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
  await ch.bindQueue(queue, exchange, '#');
  const byRoutingKey = new Map<string, number>();
  const ids = new Set<string>();
  let total = 0;
  let firstAtMs: number | null = null;
  let lastAtMs: number | null = null;
  const waiters: { n: number; resolve: () => void }[] = [];
  await ch.consume(
    queue,
    (m) => {
      if (!m) return;
      total += 1;
      const raw: unknown = m.properties.messageId;
      const id = typeof raw === 'string' ? raw : `(no id) ${total}`;
      if (ids.has(id)) return; // a re-published copy
      ids.add(id);
      const t = performance.now();
      firstAtMs ??= t;
      lastAtMs = t;
      const count = ids.size;
      byRoutingKey.set(m.fields.routingKey, (byRoutingKey.get(m.fields.routingKey) ?? 0) + 1);
      for (const w of waiters.filter((x) => count >= x.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
    { noAck: true },
  );
  return {
    queue,
    byRoutingKey,
    get count() {
      return ids.size;
    },
    get total() {
      return total;
    },
    get firstAtMs() {
      return firstAtMs;
    },
    get lastAtMs() {
      return lastAtMs;
    },
    waitFor(n, timeoutMs) {
      if (ids.size >= n) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`timed out after ${timeoutMs} ms: ${ids.size}/${n} arrived`));
        }, timeoutMs);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}

/** Messages ready in a queue (a throwaway channel, so a missing queue does not close ours). */
export async function messageCount(broker: BenchBroker, queue: string): Promise<number | null> {
  const ch = await broker.model.createChannel();
  ch.on('error', () => undefined);
  try {
    return (await ch.checkQueue(queue)).messageCount;
  } catch {
    return null;
  } finally {
    await ch.close().catch(() => undefined);
  }
}
