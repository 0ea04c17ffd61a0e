import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { retryRoute, type Delivery } from '../../../adapters/rabbitmq/index.ts';
import { createFixture, drainQueue, waitFor, type Fixture, settled } from './helpers.ts';

describe('consuming on the real broker', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await createFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('holds prefetch: no more than N unacked deliveries in flight', async () => {
    const broker = await fx.startBroker();
    for (let i = 0; i < 10; i++) {
      await broker.publish(fx.names.erp, `${fx.source}.p`, '{}', { messageId: `p-${i}` });
    }
    const held: Delivery[] = [];
    let peak = 0;
    let running = 0;
    let processed = 0;
    broker.consume(
      fx.names.inbound,
      async (d) => {
        running += 1;
        peak = Math.max(peak, running);
        held.push(d);
        await waitFor('release', () => !held.includes(d), 30_000);
        running -= 1;
        processed += 1;
        d.ack();
      },
      { prefetch: 3 },
    );
    // the broker keeps the other 7 ready: exactly prefetch are out
    await waitFor(
      '3 in flight and 7 ready',
      async () =>
        held.length === 3 && (await broker.checkQueue(fx.names.inbound)).messageCount === 7,
    );
    expect(broker.consumerStats(fx.names.inbound)?.inFlight).toBe(3);
    const release = setInterval(() => held.shift(), 5);
    await waitFor('all 10 processed', () => processed === 10);
    clearInterval(release);
    expect(peak).toBe(3);
  });

  it('nack(requeue=false) dead-letters to <prefix>.dead-letter with x-death', async () => {
    const broker = await fx.startBroker();
    await broker.publish(fx.names.erp, `${fx.source}.bad`, '{"x":1}', {
      messageId: 'dl-1',
      headers: { keep: 'me' },
    });
    broker.consume(fx.names.inbound, (d) => settled(d.nack({ requeue: false })), { prefetch: 1 });
    await waitFor(
      'dead letter',
      async () => (await broker.checkQueue(fx.names.dlq)).messageCount === 1,
    );
    const ch = await fx.rawChannel();
    const [msg] = await drainQueue(ch, fx.names.dlq);
    expect(msg?.properties.messageId).toBe('dl-1');
    expect(msg?.properties.headers?.keep).toBe('me');
    expect(msg?.properties.headers?.['x-death']).toEqual([
      expect.objectContaining({ reason: 'rejected', queue: fx.names.inbound, count: 1 }),
    ]);
    await ch.close();
  });

  it('a throwing handler requeues until x-delivery-limit, then the broker dead-letters it', async () => {
    const broker = await fx.startBroker();
    await broker.publish(fx.names.erp, `${fx.source}.poison`, '{}', { messageId: 'poison-1' });
    const counts: number[] = [];
    broker.consume(
      fx.names.inbound,
      async (d) => {
        counts.push(d.deliveryCount);
        await Promise.resolve();
        throw new Error('handler bug');
      },
      { prefetch: 1 },
    );
    await waitFor(
      'poison dead-lettered',
      async () => (await broker.checkQueue(fx.names.dlq)).messageCount === 1,
    );
    // delivery limit 3 in the fixture: at most limit + 1 deliveries
    expect(counts.length).toBeLessThanOrEqual(4);
    expect(counts.length).toBeGreaterThanOrEqual(3);
    expect(counts[0]).toBe(0);
    expect(counts.at(-1)).toBeGreaterThan(0);
    expect(broker.consumerStats(fx.names.inbound)).toMatchObject({ alive: true, inFlight: 0 });
    expect(fx.log.entries.some((e) => e.level === 'error' && e.msg === 'handler threw')).toBe(true);
  });

  it('delay queue round trip: back in the inbound queue with headers intact', async () => {
    const broker = await fx.startBroker();
    const route = retryRoute({ prefix: fx.prefix, retryDelaysMs: [1000, 5000] }, fx.source, 1000);
    expect(route).toEqual({
      exchange: fx.names.retry1s,
      routingKey: fx.names.inbound,
      delayMs: 1000,
    });
    await broker.publish(route.exchange, route.routingKey, '{"retry":true}', {
      messageId: 'retry-1',
      headers: { 'x-attempt': 2, origin: 'acme.invoice.created' },
    });
    const got: Delivery[] = [];
    broker.consume(fx.names.inbound, (d) => settled(got.push(d), d.ack()), { prefetch: 1 });
    await waitFor('the delayed message', () => got.length === 1, 10_000);
    const [d] = got;
    expect(d!.body.toString()).toBe('{"retry":true}');
    expect(d!.properties.messageId).toBe('retry-1');
    expect(d!.properties.headers).toMatchObject({ 'x-attempt': 2, origin: 'acme.invoice.created' });
    expect(d!.properties.headers['x-death']).toEqual([
      expect.objectContaining({ reason: 'expired', queue: fx.names.retry1s }),
    ]);
    expect(d!.routingKey).toBe(fx.names.inbound);
    expect((await broker.checkQueue(fx.names.retry1s)).messageCount).toBe(0);
  });

  it('pause cancels the consumer and resume re-consumes', async () => {
    const broker = await fx.startBroker();
    const got: string[] = [];
    broker.consume(fx.names.inbound, (d) => settled(got.push(d.properties.messageId!), d.ack()), {
      prefetch: 2,
    });
    await waitFor('consumer alive', () => broker.consumerStats(fx.names.inbound)?.alive === true);
    await broker.pause(fx.names.inbound);
    expect(broker.consumerStats(fx.names.inbound)).toMatchObject({ alive: false, paused: true });
    expect((await broker.checkQueue(fx.names.inbound)).consumerCount).toBe(0);
    await broker.publish(fx.names.erp, `${fx.source}.later`, '{}', { messageId: 'later-1' });
    expect((await broker.checkQueue(fx.names.inbound)).messageCount).toBe(1);
    expect(got).toEqual([]);
    broker.resume(fx.names.inbound);
    await waitFor('delivery after resume', () => got.length === 1);
    expect(got).toEqual(['later-1']);
    expect(broker.consumerStats(fx.names.inbound)).toMatchObject({ alive: true, paused: false });
  });
});
