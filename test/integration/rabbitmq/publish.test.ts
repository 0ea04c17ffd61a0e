import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BrokerError, createBroker, type Delivery } from '../../../adapters/rabbitmq/index.ts';
import { AMQP_URL, createFixture, drainQueue, waitFor, type Fixture } from './helpers.ts';

describe('publishing with confirms on the real broker', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await createFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('publishes with confirm, then consumes and acks', async () => {
    const broker = await fx.startBroker();
    const body = JSON.stringify({ id: 'm-1', type: 'invoice.created' });
    await broker.publish(fx.names.erp, `${fx.source}.invoice.created`, body, {
      messageId: 'm-1',
      correlationId: 'c-1',
      replyTo: 'reply-q',
      headers: { 'x-tenant': 'acme' },
    });
    const got: Delivery[] = [];
    broker.consume(
      fx.names.inbound,
      async (d) => {
        got.push(d);
        d.ack();
        await Promise.resolve();
      },
      { prefetch: 5 },
    );
    await waitFor('the delivery', () => got.length === 1);
    const [d] = got;
    expect(d!.body.toString()).toBe(body);
    expect(d!.properties).toMatchObject({
      messageId: 'm-1',
      correlationId: 'c-1',
      replyTo: 'reply-q',
      contentType: 'application/json',
      headers: { 'x-tenant': 'acme' },
    });
    expect(d!.routingKey).toBe(`${fx.source}.invoice.created`);
    expect(d!.exchange).toBe(fx.names.erp);
    expect(d!.redelivered).toBe(false);
    expect(d!.deliveryCount).toBe(0);
    await waitFor(
      'the ack to empty the queue',
      async () => (await broker.checkQueue(fx.names.inbound)).messageCount === 0,
    );
    expect(broker.consumerStats(fx.names.inbound)).toMatchObject({ alive: true, inFlight: 0 });
  });

  it('sends persistent messages (delivery mode 2)', async () => {
    const broker = await fx.startBroker();
    await broker.sendToQueue(fx.names.dlq, '{}', { messageId: 'p-1' });
    const ch = await fx.rawChannel();
    const [msg] = await drainQueue(ch, fx.names.dlq);
    expect(msg?.properties.deliveryMode).toBe(2);
    expect(msg?.properties.messageId).toBe('p-1');
    await ch.close();
  });

  it('rejects a mandatory publish that no queue takes (basic.return, then ack)', async () => {
    const broker = await fx.startBroker();
    const failure = await broker
      .publish(fx.names.erp, 'nobody.listens', '{}', { messageId: 'r-1' })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BrokerError);
    expect(failure).toMatchObject({ reason: 'returned', messageId: 'r-1', replyCode: 312 });
    // the channel survived: the next publish is confirmed
    await broker.publish(fx.names.erp, `${fx.source}.x`, '{}', { messageId: 'r-2' });
  });

  it('an unroutable publish to agency.events lands in the alternate exchange queue and is NOT returned', async () => {
    const broker = await fx.startBroker();
    await broker.publish(fx.names.agency, 'nobody.listens', '{}', { messageId: 'ae-1' });
    expect((await broker.checkQueue(fx.names.unroutable)).messageCount).toBe(1);
  });

  it('rejects fast while disconnected and never queues in memory', async () => {
    const broker = createBroker({ url: AMQP_URL, topology: fx.topology, log: fx.log });
    const failure = await broker
      .publish(fx.names.erp, 'x', '{}', { messageId: 'd-1' })
      .catch((e: unknown) => e);
    expect(failure).toMatchObject({ name: 'TransportError', reason: 'disconnected' });
    expect(broker.status()).toMatchObject({ connected: false, unconfirmed: 0 });
    await broker.close();
  });

  it('holds unconfirmed publishes at the cap and confirms them all', async () => {
    const broker = await fx.startBroker({ maxUnconfirmed: 3 });
    let peak = 0;
    let sampling = true;
    const sample = (): void => {
      peak = Math.max(peak, broker.status().unconfirmed);
      if (sampling) setImmediate(sample);
    };
    sample();
    const ids = Array.from({ length: 200 }, (_, i) => `cap-${i}`);
    await Promise.all(
      ids.map((id) => broker.publish(fx.names.erp, `${fx.source}.cap`, '{}', { messageId: id })),
    );
    sampling = false;
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(3);
    expect((await broker.checkQueue(fx.names.inbound)).messageCount).toBe(200);
  });

  it('checkQueue on a missing queue rejects with not-found and kills nothing', async () => {
    const broker = await fx.startBroker();
    await expect(broker.checkQueue(`${fx.prefix}.missing`)).rejects.toMatchObject({
      reason: 'not-found',
      replyCode: 404,
    });
    expect(broker.status().connected).toBe(true);
    await broker.publish(fx.names.erp, `${fx.source}.after-404`, '{}', { messageId: 'after-404' });
  });

  it('close() is idempotent and waits for outstanding confirms', async () => {
    const broker = await fx.startBroker();
    const publishes = Array.from({ length: 50 }, (_, i) =>
      broker.publish(fx.names.erp, `${fx.source}.c`, '{}', { messageId: `close-${i}` }),
    );
    const first = broker.close();
    expect(broker.close()).toBe(first);
    await first;
    const results = await Promise.allSettled(publishes);
    const confirmed = results.filter((r) => r.status === 'fulfilled').length;
    const ch = await fx.rawChannel();
    // every publish that resolved is on the broker (nothing "sent" without an ack)
    expect((await ch.checkQueue(fx.names.inbound)).messageCount).toBeGreaterThanOrEqual(confirmed);
    await ch.close();
    await expect(
      broker.publish(fx.names.erp, 'x', '{}', { messageId: 'late' }),
    ).rejects.toMatchObject({ reason: 'closing' });
  });
});
