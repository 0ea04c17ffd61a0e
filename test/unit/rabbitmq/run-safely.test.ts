import { describe, expect, it } from 'vitest';
import { runSafely } from '../../../adapters/rabbitmq/run-safely.ts';
import type { BrokerLogger, Delivery } from '../../../adapters/rabbitmq/index.ts';

const silent: BrokerLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function fakeDelivery(redelivered: boolean) {
  const calls: string[] = [];
  let settled = false;
  const d = {
    redelivered,
    deliveryCount: redelivered ? 1 : 0,
    properties: { messageId: 'm' },
    ack: () => ((settled = true), calls.push('ack'), true),
    nack: (o?: { requeue?: boolean }) => (
      (settled = true),
      calls.push(`nack:${o?.requeue ?? true}`),
      true
    ),
    get settled() {
      return settled;
    },
  } as unknown as Delivery;
  return { d, calls };
}

describe('runSafely', () => {
  it('leaves a settled delivery alone', async () => {
    const { d, calls } = fakeDelivery(false);
    await runSafely((x) => Promise.resolve(void x.ack()), d, {
      log: silent,
      queue: 'q',
      hasDeliveryLimit: true,
    });
    expect(calls).toEqual(['ack']);
  });

  it('requeues when the handler throws on a queue with a delivery limit, even when redelivered', async () => {
    const { d, calls } = fakeDelivery(true);
    await runSafely(() => Promise.reject(new Error('bug')), d, {
      log: silent,
      queue: 'q',
      hasDeliveryLimit: true,
    });
    expect(calls).toEqual(['nack:true']);
  });

  it('treats a handler that resolves without settling like a failure', async () => {
    const { d, calls } = fakeDelivery(false);
    await runSafely(() => Promise.resolve(), d, {
      log: silent,
      queue: 'q',
      hasDeliveryLimit: true,
    });
    expect(calls).toEqual(['nack:true']);
  });

  it('without a delivery limit: requeues a first delivery, dead-letters a redelivered one', async () => {
    const first = fakeDelivery(false);
    const again = fakeDelivery(true);
    const opts = { log: silent, queue: 'q', hasDeliveryLimit: false };
    const boom = (): Promise<void> => {
      throw new Error('sync throw');
    };
    await runSafely(boom, first.d, opts);
    await runSafely(boom, again.d, opts);
    expect([...first.calls, ...again.calls]).toEqual(['nack:true', 'nack:false']);
  });
});
