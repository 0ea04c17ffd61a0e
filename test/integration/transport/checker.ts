/**
 * The test's own AMQP client on the private broker (never through the fault proxy), independent
 * of the code under test: publishes ERP events with confirms and reads results from a durable
 * queue (basic.get or a plain consumer), reconnecting after any fault.
 */
import amqplib, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { Namespace } from '../../helpers/amqp.ts';

export interface Checker {
  /** Declares a durable results queue bound to the agency exchange (once it exists). */
  bindResults(ns: Namespace, timeoutMs?: number): Promise<string>;
  /** Publishes with confirms; a batch that fails is sent again after a reconnect (the inbox dedupes). */
  publish(
    exchange: string,
    events: { routingKey: string; body: string; id: string }[],
    timeoutMs?: number,
  ): Promise<void>;
  /** Takes everything waiting in a queue (basic.get, acked). */
  take(queue: string): Promise<{ messageId: string; body: string }[]>;
  depth(queue: string): Promise<number>;
  /** Consumes a queue (no ack, fast) until `enough(ids)` holds; resolves with every messageId seen. */
  collectIds(
    queue: string,
    enough: (ids: Set<string>) => boolean,
    timeoutMs: number,
  ): Promise<Set<string>>;
  exists(queue: string): Promise<boolean>;
  deleteQueue(queue: string): Promise<void>;
  deleteNamespace(ns: Namespace): Promise<void>;
  close(): Promise<void>;
}

export function openChecker(url: string): Checker {
  let conn: ChannelModel | null = null;
  let ch: ConfirmChannel | null = null;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function channel(): Promise<ConfirmChannel> {
    if (ch) return ch;
    const c = await amqplib.connect(url, { timeout: 5_000 });
    c.on('error', () => undefined);
    c.on('close', () => {
      if (conn === c) {
        conn = null;
        ch = null;
      }
    });
    const next = await c.createConfirmChannel();
    next.on('error', () => undefined);
    next.on('close', () => {
      if (ch === next) ch = null;
    });
    conn = c;
    ch = next;
    return next;
  }

  /** Runs `fn` on a live channel, retrying on connection trouble until `timeoutMs`. */
  async function retrying<T>(
    what: string,
    fn: (c: ConfirmChannel) => Promise<T>,
    timeoutMs = 60_000,
  ): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await fn(await channel());
      } catch (err) {
        ch = null;
        if (Date.now() > until) throw new Error(`checker: ${what}: ${String(err)}`, { cause: err });
        await sleep(200);
      }
    }
  }

  /** A throwaway channel for passive checks (a 404 kills the channel it runs on). */
  async function passive<T>(fn: (c: amqplib.Channel) => Promise<T>): Promise<T> {
    await channel();
    const c = await conn!.createChannel();
    c.on('error', () => undefined);
    try {
      return await fn(c);
    } finally {
      await c.close().catch(() => undefined);
    }
  }

  return {
    async bindResults(ns, timeoutMs = 30_000) {
      const queue = `${ns.id}.test.results`;
      await retrying(
        'bind results',
        async (c) => {
          await passive((p) => p.checkExchange(ns.agencyExchange));
          await c.assertQueue(queue, { durable: true });
          await c.bindQueue(queue, ns.agencyExchange, '#');
        },
        timeoutMs,
      );
      return queue;
    },
    async publish(exchange, events, timeoutMs = 120_000) {
      for (let i = 0; i < events.length; i += 100) {
        const batch = events.slice(i, i + 100);
        await retrying(
          'publish',
          async (c) => {
            for (const e of batch) {
              c.publish(exchange, e.routingKey, Buffer.from(e.body), {
                persistent: true,
                contentType: 'application/json',
                messageId: e.id,
              });
            }
            await c.waitForConfirms();
          },
          timeoutMs,
        );
      }
    },
    take(queue) {
      return retrying('take', async (c) => {
        const out: { messageId: string; body: string }[] = [];
        for (;;) {
          const m = await c.get(queue, { noAck: true });
          if (m === false) return out;
          out.push({ messageId: String(m.properties.messageId), body: m.content.toString('utf8') });
        }
      });
    },
    depth(queue) {
      return retrying('depth', () =>
        passive(async (p) => (await p.checkQueue(queue)).messageCount),
      );
    },
    async collectIds(queue, enough, timeoutMs) {
      const ids = new Set<string>();
      const c = await amqplib.connect(url);
      c.on('error', () => undefined);
      try {
        const sub = await c.createChannel();
        await sub.prefetch(1_000);
        await sub.consume(queue, (m) => m && ids.add(String(m.properties.messageId)), {
          noAck: true,
        });
        const until = Date.now() + timeoutMs;
        while (!enough(ids) && Date.now() < until) await sleep(100);
        return ids;
      } finally {
        await c.close().catch(() => undefined);
      }
    },
    exists(queue) {
      return retrying('exists', () =>
        passive(async (p) => {
          await p.checkQueue(queue);
          return true;
        }).catch((err: unknown) => {
          if ((err as { code?: number }).code === 404) return false;
          throw err;
        }),
      );
    },
    async deleteQueue(queue) {
      await retrying('delete queue', () => passive((p) => p.deleteQueue(queue)));
    },
    async deleteNamespace(ns) {
      await retrying('delete namespace', async () => {
        const names = [
          `${ns.prefix}.acme.inbound`,
          `${ns.prefix}.dead-letter`,
          `${ns.prefix}.unroutable`,
          `${ns.id}.test.results`,
          ...[200, 500, 1000, 2000, 5000].map((d) => `${ns.prefix}.retry.${d}ms`),
        ];
        for (const q of names) await passive((p) => p.deleteQueue(q)).catch(() => undefined);
      }).catch(() => undefined);
    },
    async close() {
      const c = conn;
      conn = null;
      ch = null;
      await c?.close().catch(() => undefined);
    },
  };
}
