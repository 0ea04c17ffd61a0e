/**
 * The raw baseline: what the hardware, the broker and the simulator allow with no connector
 * logic. amqplib consumes a pre-filled quorum queue (prefetch P) → one fetch POST /invoice to the
 * simulator → publish a small result on a confirm channel and wait for its confirm → ack.
 * Nothing else (no store, no mapping, no validation, no limiter).
 */
import { randomUUID } from 'node:crypto';
import { countArrivals, openBroker, publishBatched, type OutgoingMessage } from './broker.ts';
import { createBodyTemplate } from './events.ts';

export interface BaselineOptions {
  amqpUrl: string;
  agencyBaseUrl: string;
  apiKey: string;
  /** Name prefix of the queue and exchange (deleted afterwards). */
  prefix: string;
  count: number;
  prefetch: number;
  /** Invoice numbers used are firstNumber … firstNumber + count - 1. */
  firstNumber: number;
  timeoutMs: number;
}

export interface BaselineFigures {
  messagesPerSecond: number;
  /** From the first to the last result (excludes the ramp-up). */
  steadyPerSecond: number;
  seconds: number;
  publishPerSecond: number;
  httpErrors: number;
}

export async function runBaseline(options: BaselineOptions): Promise<BaselineFigures> {
  const { count, prefix } = options;
  const inQueue = `${prefix}.baseline.in`;
  const outExchange = `${prefix}.baseline.out`;
  const broker = await openBroker(options.amqpUrl);
  const consumer = await broker.model.createChannel();
  const publisher = await broker.model.createConfirmChannel();
  consumer.on('error', () => undefined);
  publisher.on('error', () => undefined);
  try {
    await broker.channel.assertQueue(inQueue, {
      durable: true,
      arguments: { 'x-queue-type': 'quorum' },
    });
    await broker.channel.assertExchange(outExchange, 'topic', {
      durable: false,
      autoDelete: false,
    });
    const arrivals = await countArrivals(broker, outExchange);
    const publishPerSecond = await publishBatched(broker, '', count, (i): OutgoingMessage => {
      const number = options.firstNumber + i;
      return {
        routingKey: inQueue,
        messageId: randomUUID(),
        body: JSON.stringify({
          id: randomUUID(),
          type: 'invoice.created',
          data: { invoiceNumber: String(number) },
        }),
      };
    });
    const makeBody = createBodyTemplate();
    const url = `${options.agencyBaseUrl}/invoice`;
    let httpErrors = 0;
    let acked = 0;
    await consumer.prefetch(options.prefetch);
    const start = performance.now();
    await consumer.consume(inQueue, (m) => {
      if (!m) return;
      void (async () => {
        const event = JSON.parse(m.content.toString('utf8')) as {
          id: string;
          data: { invoiceNumber: string };
        };
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json',
            'X-Api-Key': options.apiKey,
          },
          body: makeBody(Number(event.data.invoiceNumber)),
        });
        await response.text();
        if (response.status !== 201 && response.status !== 200) httpErrors += 1;
        const result = JSON.stringify({
          id: randomUUID(),
          causationid: event.id,
          status: response.status,
        });
        await new Promise<void>((resolve, reject) => {
          publisher.publish(
            outExchange,
            'acme.invoice.accepted',
            Buffer.from(result),
            { persistent: true, messageId: randomUUID() },
            (err) => (err ? reject(err as Error) : resolve()),
          );
        });
        consumer.ack(m);
        acked += 1;
      })().catch(() => consumer.nack(m, false, true));
    });
    await arrivals.waitFor(count, options.timeoutMs);
    const seconds = (performance.now() - start) / 1000;
    const steadySeconds = ((arrivals.lastAtMs ?? 0) - (arrivals.firstAtMs ?? 0)) / 1000;
    // A result can arrive before its publish confirm: wait for every ack before closing.
    while (acked < count) await new Promise((resolve) => setTimeout(resolve, 10));
    return {
      messagesPerSecond: count / seconds,
      steadyPerSecond: (count - 1) / steadySeconds,
      seconds,
      publishPerSecond,
      httpErrors,
    };
  } finally {
    await consumer.close().catch(() => undefined);
    await publisher.close().catch(() => undefined);
    const ch = await broker.model.createChannel();
    ch.on('error', () => undefined);
    await ch.deleteQueue(inQueue).catch(() => undefined);
    await ch.deleteExchange(outExchange).catch(() => undefined);
    await broker.close();
  }
}
