/**
 * A connect that hangs (the network drops packets: here the fault proxy holds every byte) gives
 * up after the default 10 s socket timeout and is tried again, instead of waiting on the
 * kernel's retries; once the network heals the broker connects.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createBroker, type Broker } from '../../../adapters/rabbitmq/index.ts';
import { startFaultProxy, type FaultProxy } from '../../helpers/fault-proxy.ts';
import { createFixture, onceEvent, waitFor, type Fixture } from './helpers.ts';

describe('connect timeout', () => {
  let fx: Fixture;
  let proxy: FaultProxy;
  let broker: Broker | undefined;
  afterEach(async () => {
    await broker?.close();
    await proxy.close();
    await fx.cleanup();
  });

  it(
    'a hanging connect is abandoned after 10 s and retried; connects once the link heals',
    { timeout: 40_000 },
    async () => {
      fx = await createFixture();
      proxy = await startFaultProxy({ upstream: { host: '127.0.0.1', port: 5672 } });
      proxy.set({ blackhole: true });
      broker = createBroker({
        url: `amqp://guest:guest@127.0.0.1:${proxy.port}`,
        topology: fx.topology,
        log: fx.log,
        connectionName: fx.connectionName,
        reconnectBaseMs: 100,
        reconnectMaxMs: 200,
      });
      broker.start();
      await waitFor('a first connect attempt', () => proxy.stats().accepted >= 2, 5_000); // consume + publish links
      const first = proxy.stats().accepted;
      await new Promise((r) => setTimeout(r, 11_500));
      expect(proxy.stats().accepted).toBeGreaterThan(first); // given up and tried again
      const up = onceEvent(broker, 'connected', (p: { link: string }) => p.link === 'consume');
      proxy.clear();
      await up;
    },
  );
});
