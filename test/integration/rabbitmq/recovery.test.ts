import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Delivery } from '../../../adapters/rabbitmq/index.ts';
import {
  closeConnectionsNamed,
  createFixture,
  onceEvent,
  waitFor,
  type Fixture,
  settled,
} from './helpers.ts';

describe('recovery on the real broker', () => {
  let fx: Fixture;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  beforeEach(async () => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
    fx = await createFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });

  it('a network cut mid-handler: messages survive, stale acks are dropped without a channel error', async () => {
    const broker = await fx.startBroker();
    for (let i = 0; i < 5; i++)
      await broker.publish(fx.names.erp, `${fx.source}.s`, '{}', { messageId: `s-${i}` });
    const firstRound: Delivery[] = [];
    const acked = new Set<string>();
    let cut = false;
    broker.consume(
      fx.names.inbound,
      async (d) => {
        if (!cut) {
          firstRound.push(d);
          await waitFor('the cut', () => cut, 30_000);
        }
        if (d.ack()) acked.add(d.properties.messageId!);
      },
      { prefetch: 10 },
    );
    await waitFor('5 deliveries held', () => firstRound.length === 5);
    const down = onceEvent(broker, 'disconnected', (p: { link: string }) => p.link === 'consume');
    const up = onceEvent(broker, 'connected', (p: { link: string }) => p.link === 'consume');
    broker.testHooks.destroySocket('consume');
    await down;
    cut = true; // the held handlers now ack on a dead channel: dropped
    await up;
    await waitFor('all 5 redelivered and acked', () => acked.size === 5);
    expect(firstRound.every((d) => d.settled)).toBe(true);
    expect(fx.log.entries.filter((e) => e.msg?.startsWith('stale delivery')).length).toBe(5);
    expect(fx.log.entries.some((e) => /unknown delivery tag/iu.test(JSON.stringify(e.obj)))).toBe(
      false,
    );
    await waitFor(
      'queue empty',
      async () => (await broker.checkQueue(fx.names.inbound)).messageCount === 0,
    );
    expect(broker.consumerStats(fx.names.inbound)).toMatchObject({ alive: true, inFlight: 0 });
    expect((await broker.checkQueue(fx.names.inbound)).consumerCount).toBe(1);
  });

  it('a forced close of its own connections (rabbitmqctl close_connection): reconnects, re-consumes, publishes', async () => {
    const broker = await fx.startBroker();
    const got: string[] = [];
    broker.consume(fx.names.inbound, (d) => settled(got.push(d.properties.messageId!), d.ack()), {
      prefetch: 5,
    });
    await waitFor('consumer alive', () => broker.consumerStats(fx.names.inbound)?.alive === true);
    const downs = [
      onceEvent(broker, 'disconnected', (p: { link: string }) => p.link === 'consume'),
      onceEvent(broker, 'disconnected', (p: { link: string }) => p.link === 'publish'),
    ];
    const ups = [
      onceEvent(broker, 'connected', (p: { link: string }) => p.link === 'consume'),
      onceEvent(broker, 'connected', (p: { link: string }) => p.link === 'publish'),
    ];
    expect(await closeConnectionsNamed(fx.connectionName)).toBe(2);
    await Promise.all([...downs, ...ups]);
    await waitFor(
      'consumer alive again',
      () => broker.consumerStats(fx.names.inbound)?.alive === true,
    );
    await broker.publish(fx.names.erp, `${fx.source}.x`, '{}', { messageId: 'after-reconnect' });
    await waitFor('delivery after reconnect', () => got.includes('after-reconnect'));
    expect((await broker.checkQueue(fx.names.inbound)).consumerCount).toBe(1);
  });

  it('outstanding confirms fail when the publish connection dies; publish rejects fast until it is back', async () => {
    // a reconnect delay of about 1.8 s leaves room to observe the disconnected state
    const broker = await fx.startBroker({ reconnectBaseMs: 2000, random: () => 0.9 });
    const down = onceEvent(broker, 'disconnected', (p: { link: string }) => p.link === 'publish');
    const up = onceEvent(broker, 'connected', (p: { link: string }) => p.link === 'publish');
    const publishes = Array.from({ length: 100 }, (_, i) =>
      broker.publish(fx.names.erp, `${fx.source}.c`, Buffer.alloc(10_000), { messageId: `c-${i}` }),
    );
    broker.testHooks.destroySocket('publish');
    const results = await Promise.allSettled(publishes);
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) {
      expect(f.reason).toMatchObject({ name: 'TransportError' });
      expect(['channel-closed', 'disconnected']).toContain(f.reason.reason);
    }
    expect(broker.status().unconfirmed).toBe(0);
    await down;
    await expect(
      broker.publish(fx.names.erp, `${fx.source}.c`, '{}', { messageId: 'while-down' }),
    ).rejects.toMatchObject({
      reason: 'disconnected',
    });
    expect(broker.status()).toMatchObject({
      connected: false,
      links: { consume: true, publish: false },
    });
    await up;
    await broker.publish(fx.names.erp, `${fx.source}.c`, '{}', { messageId: 'after-up' });
  });

  it('queue deleted under the consumer: null delivery handled, topology re-asserted, consumption resumes', async () => {
    const broker = await fx.startBroker();
    const got: string[] = [];
    broker.consume(fx.names.inbound, (d) => settled(got.push(d.properties.messageId!), d.ack()), {
      prefetch: 5,
    });
    await waitFor('consumer alive', () => broker.consumerStats(fx.names.inbound)?.alive === true);
    const cancelled = onceEvent(
      broker,
      'consumer-cancelled',
      (p: { queue: string }) => p.queue === fx.names.inbound,
    );
    const ch = await fx.rawChannel();
    await ch.deleteQueue(fx.names.inbound);
    await ch.close();
    await cancelled;
    await waitFor(
      'consumer alive after re-assert',
      () => broker.consumerStats(fx.names.inbound)?.alive === true,
    );
    expect(broker.status().connected).toBe(true);
    await broker.publish(fx.names.erp, `${fx.source}.back`, '{}', { messageId: 'back-1' });
    await waitFor('delivery after recovery', () => got.includes('back-1'));
    expect((await broker.checkQueue(fx.names.inbound)).consumerCount).toBe(1);
  });

  it('close() cancels consumers and waits for in-flight handlers, whose acks still go through', async () => {
    const broker = await fx.startBroker();
    await broker.publish(fx.names.erp, `${fx.source}.d`, '{}', { messageId: 'drain-1' });
    await broker.publish(fx.names.erp, `${fx.source}.d`, '{}', { messageId: 'drain-2' });
    let release = (): void => undefined;
    const seen: string[] = [];
    broker.consume(
      fx.names.inbound,
      async (d) => {
        seen.push(d.properties.messageId!);
        await new Promise<void>((resolve) => (release = resolve));
        d.ack();
      },
      { prefetch: 1 },
    );
    await waitFor('handler started', () => seen.length === 1);
    let closed = false;
    const closing = broker.close().then(() => (closed = true));
    // (a quorum queue keeps counting a cancelled consumer until its unacked messages settle)
    await waitFor(
      'consumer cancelled',
      () => broker.consumerStats(fx.names.inbound)?.alive === false,
    );
    expect(closed).toBe(false);
    release();
    await closing;
    expect(seen).toEqual(['drain-1']);
    const ch = await fx.rawChannel();
    // drain-1 acked before the channel closed; drain-2 never delivered after the cancel
    expect(await ch.checkQueue(fx.names.inbound)).toMatchObject({
      messageCount: 1,
      consumerCount: 0,
    });
    await ch.close();
    expect(broker.status()).toMatchObject({ connected: false });
  });

  it('a throwing event listener is logged and recovery goes on', async () => {
    const broker = await fx.startBroker();
    broker.on('disconnected', () => {
      throw new Error('listener bug');
    });
    const up = onceEvent(broker, 'connected', (p: { link: string }) => p.link === 'publish');
    broker.testHooks.destroySocket('publish');
    await up;
    await broker.publish(fx.names.erp, `${fx.source}.x`, '{}', { messageId: 'after-listener-bug' });
    expect(fx.log.entries.some((e) => e.msg === 'broker event listener threw')).toBe(true);
  });
});
