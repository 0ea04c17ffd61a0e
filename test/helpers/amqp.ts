/**
 * Test helpers on the real broker, independent of the code under test: a raw amqplib channel,
 * a unique namespace per test, and clean-up of everything the namespace created.
 */
import { randomBytes } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export interface Namespace {
  id: string;
  prefix: string;
  erpExchange: string;
  agencyExchange: string;
}

export function uniqueNamespace(label = 't'): Namespace {
  const id = `${label}-${randomBytes(4).toString('hex')}`;
  return {
    id,
    prefix: `${id}.connector`,
    erpExchange: `${id}.erp.events`,
    agencyExchange: `${id}.agency.events`,
  };
}

export interface RawAmqp {
  connection: ChannelModel;
  channel: Channel;
  /** Binds a fresh classic queue to an exchange and collects what arrives. */
  collect(
    exchange: string,
    pattern: string,
  ): Promise<{ messages: ConsumeMessage[]; queue: string }>;
  publish(
    exchange: string,
    routingKey: string,
    body: string | Buffer,
    messageId?: string,
  ): Promise<void>;
  messageCount(queue: string): Promise<number>;
  /** Waits until the exchange exists (the connector declares its topology once connected). */
  waitForExchange(name: string, timeoutMs?: number): Promise<void>;
  /** Deletes every queue and exchange whose name starts with the namespace id. */
  cleanup(ns: Namespace, extraQueues?: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function openRawAmqp(): Promise<RawAmqp> {
  const connection = await amqp.connect(AMQP_URL);
  connection.on('error', () => undefined);
  const channel = await connection.createConfirmChannel();
  channel.on('error', () => undefined);
  const created: string[] = [];
  return {
    connection,
    channel,
    async collect(exchange, pattern) {
      await channel.checkExchange(exchange);
      const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
      created.push(queue);
      await channel.bindQueue(queue, exchange, pattern);
      const messages: ConsumeMessage[] = [];
      await channel.consume(queue, (m) => {
        if (m) {
          messages.push(m);
          channel.ack(m);
        }
      });
      return { messages, queue };
    },
    async publish(exchange, routingKey, body, messageId) {
      await channel.checkExchange(exchange);
      await new Promise<void>((resolve, reject) => {
        channel.publish(
          exchange,
          routingKey,
          Buffer.isBuffer(body) ? body : Buffer.from(body),
          {
            persistent: true,
            contentType: 'application/json',
            ...(messageId ? { messageId } : {}),
          },
          (err) => (err ? reject(err as Error) : resolve()),
        );
      });
    },
    async messageCount(queue) {
      const check = await connection.createChannel();
      check.on('error', () => undefined);
      try {
        return (await check.checkQueue(queue)).messageCount;
      } finally {
        await check.close().catch(() => undefined);
      }
    },
    async waitForExchange(name, timeoutMs = 15_000) {
      await waitUntil(
        async () => {
          const ch = await connection.createChannel();
          ch.on('error', () => undefined);
          try {
            await ch.checkExchange(name);
            return true;
          } catch {
            return false;
          } finally {
            await ch.close().catch(() => undefined);
          }
        },
        timeoutMs,
        `exchange ${name}`,
      );
    },
    async cleanup(ns, extraQueues = []) {
      const ch = await connection.createChannel();
      ch.on('error', () => undefined);
      const queues = [
        `${ns.prefix}.acme.inbound`,
        `${ns.prefix}.dead-letter`,
        `${ns.prefix}.unroutable`,
        ...[1000, 5000, 30000, 120000, 600000, 200, 500].map((d) => `${ns.prefix}.retry.${d}ms`),
        ...extraQueues,
      ];
      for (const q of queues) await ch.deleteQueue(q).catch(() => undefined);
      const exchanges = [
        ns.erpExchange,
        ns.agencyExchange,
        `${ns.prefix}.dlx`,
        `${ns.prefix}.unroutable`,
        ...[1000, 5000, 30000, 120000, 600000, 200, 500].map((d) => `${ns.prefix}.retry.${d}ms`),
      ];
      for (const e of exchanges) await ch.deleteExchange(e).catch(() => undefined);
      await ch.close().catch(() => undefined);
    },
    async close() {
      await channel.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
    },
  };
}

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!(await check())) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
