import type { Channel, ConsumeMessage } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { createDelivery } from '../../../adapters/rabbitmq/delivery.ts';
import type { BrokerLogger } from '../../../adapters/rabbitmq/index.ts';

function fakeChannel() {
  const calls: string[] = [];
  const channel = {
    ack: () => void calls.push('ack'),
    nack: (_m: unknown, _all: boolean, requeue: boolean) => void calls.push(`nack:${requeue}`),
  } as unknown as Channel;
  return { channel, calls };
}

function message(headers: Record<string, unknown> = {}, redelivered = false): ConsumeMessage {
  return {
    content: Buffer.from('{}'),
    fields: {
      deliveryTag: 7,
      redelivered,
      exchange: 'erp.events',
      routingKey: 'acme.x',
      consumerTag: 'c',
    },
    properties: { messageId: 'm-1', headers, contentType: 'application/json' },
  } as unknown as ConsumeMessage;
}

function logger() {
  const lines: string[] = [];
  const log: BrokerLogger = {
    debug: (_o, m) => void lines.push(m ?? ''),
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  };
  return { log, lines };
}

describe('createDelivery', () => {
  it('acks once on its live channel; a second settle is ignored', () => {
    const { channel, calls } = fakeChannel();
    const d = createDelivery(channel, message(), {
      queue: 'q',
      log: logger().log,
      isCurrent: () => true,
    });
    expect(d.ack()).toBe(true);
    expect(d.nack()).toBe(false);
    expect(d.settled).toBe(true);
    expect(calls).toEqual(['ack']);
  });

  it('drops an ack for a channel that is no longer current (generation tag)', () => {
    const { channel, calls } = fakeChannel();
    const { log, lines } = logger();
    let current = true;
    const d = createDelivery(channel, message(), { queue: 'q', log, isCurrent: () => current });
    current = false;
    expect(d.ack()).toBe(false);
    expect(calls).toEqual([]);
    expect(lines.some((l) => l.startsWith('stale delivery'))).toBe(true);
  });

  it('nack requeues by default and can dead-letter', () => {
    const a = fakeChannel();
    createDelivery(a.channel, message(), {
      queue: 'q',
      log: logger().log,
      isCurrent: () => true,
    }).nack();
    const b = fakeChannel();
    createDelivery(b.channel, message(), {
      queue: 'q',
      log: logger().log,
      isCurrent: () => true,
    }).nack({ requeue: false });
    expect([...a.calls, ...b.calls]).toEqual(['nack:true', 'nack:false']);
  });

  it('a settle that throws on a closing channel is dropped, not thrown', () => {
    const channel = {
      ack: () => {
        throw new Error('Channel closed');
      },
    } as unknown as Channel;
    const d = createDelivery(channel, message(), {
      queue: 'q',
      log: logger().log,
      isCurrent: () => true,
    });
    expect(d.ack()).toBe(false);
  });

  it('reads deliveryCount from x-delivery-count, else from the redelivered flag', () => {
    const ctx = { queue: 'q', log: logger().log, isCurrent: () => true };
    const { channel } = fakeChannel();
    expect(createDelivery(channel, message({ 'x-delivery-count': 3 }), ctx).deliveryCount).toBe(3);
    expect(createDelivery(channel, message({}, true), ctx).deliveryCount).toBe(1);
    const d = createDelivery(channel, message(), ctx);
    expect(d.deliveryCount).toBe(0);
    expect(d.properties).toMatchObject({
      messageId: 'm-1',
      contentType: 'application/json',
      correlationId: undefined,
    });
    expect(d.routingKey).toBe('acme.x');
  });
});
