import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertTopology } from '../../../adapters/rabbitmq/index.ts';
import { createFixture, listExchanges, listQueues, type Fixture } from './helpers.ts';

describe('topology on the real broker', () => {
  let fx: Fixture;
  beforeEach(async () => {
    fx = await createFixture();
  });
  afterEach(async () => {
    await fx.cleanup();
  });

  it('declares every queue and exchange with the expected arguments', async () => {
    await fx.startBroker();
    const queues = await listQueues(fx.prefix);
    expect([...queues.keys()].sort()).toEqual(fx.topology.queues.map((q) => q.name).sort());
    expect(queues.get(fx.names.inbound)).toEqual({
      type: 'quorum',
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-delivery-limit': 3,
        'x-dead-letter-exchange': `${fx.prefix}.dlx`,
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
    });
    expect(queues.get(fx.names.retry1s)?.arguments).toEqual({
      'x-queue-type': 'quorum',
      'x-message-ttl': 1000,
      'x-dead-letter-exchange': '',
      'x-dead-letter-strategy': 'at-least-once',
      'x-overflow': 'reject-publish',
    });
    expect(queues.get(fx.names.dlq)?.type).toBe('quorum');
    expect(queues.get(fx.names.unroutable)?.type).toBe('quorum');

    const exchanges = await listExchanges(fx.prefix);
    expect(exchanges.get(fx.names.agency)).toEqual({
      type: 'topic',
      durable: true,
      arguments: { 'alternate-exchange': `${fx.prefix}.unroutable` },
    });
    expect(exchanges.get(fx.names.erp)?.type).toBe('topic');
    expect(exchanges.get(`${fx.prefix}.dlx`)?.type).toBe('topic');
    expect(exchanges.get(fx.names.retry1s)?.type).toBe('fanout');

    const ch = await fx.rawChannel();
    const passive = await ch.checkQueue(fx.names.inbound);
    expect(passive.consumerCount).toBe(0);
    await ch.close();
  });

  it('re-asserting the same topology is idempotent', async () => {
    await fx.startBroker();
    const before = await listQueues(fx.prefix);
    await assertTopology(fx.raw, fx.topology);
    await assertTopology(fx.raw, fx.topology);
    expect(await listQueues(fx.prefix)).toEqual(before);
  });

  it('a conflicting declaration fails on a throwaway channel and leaves the connection usable', async () => {
    await fx.startBroker();
    const conflicting = {
      exchanges: [],
      queues: [{ ...fx.topology.queues[0]!, deliveryLimit: 7 }],
    };
    await expect(assertTopology(fx.raw, conflicting)).rejects.toThrow(/PRECONDITION/u);
    const ch = await fx.rawChannel();
    await expect(ch.checkQueue(fx.names.inbound)).resolves.toMatchObject({ messageCount: 0 });
    await ch.close();
  });
});
