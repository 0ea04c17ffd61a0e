/**
 * Sends a delivery back through a delay queue: the broker holds it for `delayMs` and then returns
 * it to the source's inbound queue, with the attempt count and the original routing key in its
 * headers. The delay is rounded up to the nearest configured delay queue.
 */
import type { InboundDelivery, PublishOptions } from './ports.ts';

export interface RetryPublisher {
  publish(
    source: string,
    delivery: InboundDelivery,
    originalRoutingKey: string,
    nextAttempt: number,
    delayMs: number,
    /** Headers to set on the retried copy besides the attempt and routing key. */
    extraHeaders?: Readonly<Record<string, number>>,
  ): Promise<void>;
}

export interface DelayTransport {
  /** Publishes to the delay queue of `delayMs` so that it comes back to `targetQueue`. */
  publishDelayed(
    targetQueue: string,
    delayMs: number,
    body: Buffer,
    options: PublishOptions,
  ): Promise<void>;
}

export function pickDelayMs(delays: readonly number[], wantedMs: number): number {
  const sorted = [...delays].sort((a, b) => a - b);
  return sorted.find((d) => d >= wantedMs) ?? sorted[sorted.length - 1] ?? wantedMs;
}

export function createRetryPublisher(options: {
  transport: DelayTransport;
  delaysMs: readonly number[];
  inboundQueue(source: string): string;
}): RetryPublisher {
  return {
    async publish(source, delivery, originalRoutingKey, nextAttempt, delayMs, extraHeaders = {}) {
      const headers: Record<string, string | number> = {};
      for (const [k, v] of Object.entries(delivery.headers)) {
        if (k.startsWith('x-death') || k === 'x-delivery-count' || k.startsWith('x-first-death'))
          continue;
        if (typeof v === 'string' || typeof v === 'number') headers[k] = v;
      }
      Object.assign(headers, extraHeaders);
      headers['x-connector-attempt'] = nextAttempt;
      headers['x-original-routing-key'] = originalRoutingKey;
      const messageId =
        delivery.messageId ??
        (typeof headers['x-message-id'] === 'string' ? headers['x-message-id'] : undefined);
      await options.transport.publishDelayed(
        options.inboundQueue(source),
        pickDelayMs(options.delaysMs, delayMs),
        delivery.body,
        { messageId: messageId ?? `retry-${Date.now()}`, headers },
      );
    },
  };
}
