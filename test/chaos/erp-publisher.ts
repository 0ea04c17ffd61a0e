/**
 * The ERP side of the chaos test: publishes events the way a careful ERP does, straight to the
 * broker (not through the fault proxy): persistent, with publisher confirms; when the broker is
 * killed, paused or the channel dies, it reconnects and publishes the same message again (same
 * id) until the broker confirms it. `confirmed` holds the ids the broker acknowledged: those are
 * the events that must not be lost.
 */
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { TestEvent } from '../helpers/events.ts';

export interface ErpPublisher {
  /** Resolves once the broker confirmed this message (retrying through outages). */
  publish(event: TestEvent): Promise<void>;
  readonly confirmed: Set<string>;
  /** Publishes sent, counting re-sends after a failure. */
  readonly attempts: () => number;
  close(): Promise<void>;
}

const CONFIRM_TIMEOUT_MS = 5_000;

export function createErpPublisher(url: string, exchange: string): ErpPublisher {
  let connection: ChannelModel | null = null;
  let channel: ConfirmChannel | null = null;
  let connecting: Promise<ConfirmChannel> | null = null;
  let closed = false;
  let attempts = 0;
  const confirmed = new Set<string>();

  function drop(): void {
    const c = connection;
    connection = null;
    channel = null;
    connecting = null;
    if (c) void c.close().catch(() => undefined);
  }

  function open(): Promise<ConfirmChannel> {
    if (channel) return Promise.resolve(channel);
    connecting ??= (async () => {
      const c = await amqp.connect(`${url}?heartbeat=5`, { timeout: 3_000 });
      c.on('error', () => undefined);
      c.on('close', () => {
        if (connection === c) drop();
      });
      const ch = await c.createConfirmChannel();
      ch.on('error', () => undefined);
      ch.on('close', () => {
        if (channel === ch) drop();
      });
      connection = c;
      channel = ch;
      return ch;
    })().catch((err: unknown) => {
      connecting = null;
      throw err;
    });
    return connecting;
  }

  async function once(event: TestEvent): Promise<void> {
    const ch = await open();
    attempts += 1;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        drop();
        reject(new Error('confirm timeout'));
      }, CONFIRM_TIMEOUT_MS);
      try {
        ch.publish(
          exchange,
          event.routingKey,
          Buffer.from(event.body),
          { persistent: true, messageId: event.id, contentType: 'application/json' },
          (err) => {
            clearTimeout(timer);
            if (err) reject(err instanceof Error ? err : new Error(String(err)));
            else resolve();
          },
        );
      } catch (err) {
        clearTimeout(timer);
        drop();
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  return {
    confirmed,
    attempts: () => attempts,
    async publish(event) {
      for (;;) {
        if (closed) throw new Error('publisher closed');
        try {
          await once(event);
          confirmed.add(event.id);
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 300));
        }
      }
    },
    async close() {
      closed = true;
      const c = connection;
      drop();
      await c?.close().catch(() => undefined);
    },
  };
}
