import { describe, expect, it } from 'vitest';
import type { InboundDelivery, PublishOptions } from '../../../connector/pipeline/ports.ts';
import { createRetryPublisher } from '../../../connector/pipeline/retry-publisher.ts';

function delivery(headers: Record<string, unknown>): InboundDelivery {
  return {
    body: Buffer.from('{}'),
    routingKey: 'acme.invoice.created',
    messageId: 'm-1',
    replyTo: undefined,
    correlationId: undefined,
    headers,
    redelivered: false,
    ack: () => undefined,
    nack: () => undefined,
  };
}

describe('retry publisher', () => {
  it('sets the attempt, the routing key and extra headers, keeps ours, drops the broker’s', async () => {
    const sent: { queue: string; delayMs: number; options: PublishOptions }[] = [];
    const retries = createRetryPublisher({
      transport: {
        publishDelayed(queue, delayMs, _body, options) {
          sent.push({ queue, delayMs, options });
          return Promise.resolve();
        },
      },
      delaysMs: [1000, 5000],
      inboundQueue: (source) => `connector.${source}.inbound`,
    });
    const d = delivery({
      'x-connector-reconcile-rounds': 1,
      'x-death': 'gone',
      'x-delivery-count': 3,
      'x-connector-attempt': 2,
    });
    await retries.publish('acme', d, 'acme.invoice.payment_received', 3, 1200, {
      'x-connector-reconcile-rounds': 2,
    });
    await retries.publish('acme', d, 'acme.invoice.payment_received', 3, 10);
    expect(sent.map((s) => [s.queue, s.delayMs])).toEqual([
      ['connector.acme.inbound', 5000],
      ['connector.acme.inbound', 1000],
    ]);
    expect(sent[0]?.options.headers).toEqual({
      'x-connector-attempt': 3,
      'x-connector-reconcile-rounds': 2,
      'x-original-routing-key': 'acme.invoice.payment_received',
    });
    // without extra headers, the delivery's own round count travels on unchanged
    expect(sent[1]?.options.headers?.['x-connector-reconcile-rounds']).toBe(1);
    expect(sent[0]?.options.messageId).toBe('m-1');
  });
});
