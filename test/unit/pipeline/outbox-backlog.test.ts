/**
 * After a long broker outage the outbox holds thousands of PENDING rows. The sweep must drain
 * them batch after batch, not one batch per idle interval (200 rows / 2 s = 100 rows/s).
 * Fake setTimeout, so the count of intervals is exact whatever the machine's speed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStore } from '../../../adapters/store/index.ts';
import { createLogger } from '../../../connector/logger.ts';
import { createOutboxRelay } from '../../../connector/pipeline/outbox-relay.ts';
import { outboxRow } from '../store/fixtures.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('outbox sweep', () => {
  it('drains a backlog of 1,000 rows within one idle interval, each row once', async () => {
    const store = await createStore('sqlite::memory:');
    const rows = Array.from({ length: 1_000 }, (_, i) =>
      outboxRow({ id: `o-${String(i).padStart(4, '0')}`, createdAt: '2026-11-23T00:00:00.000Z' }),
    );
    await store.commit({ outbox: rows });
    const published: string[] = [];
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const relay = createOutboxRelay({
      store,
      logger: createLogger({ level: 'silent', pretty: 'never' }),
      publisher: {
        publish: (_exchange, _key, _body, o) => {
          published.push(o.messageId);
          return Promise.resolve();
        },
        sendToQueue: () => Promise.reject(new Error('not used by the relay')),
      },
      batchSize: 200,
      sweepIntervalMs: 2_000,
      now: () => Date.parse('2026-11-23T01:00:00.000Z'),
    });
    relay.start();
    await vi.advanceTimersByTimeAsync(2_000); // the first sweep
    for (let i = 0; i < 400 && published.length < 1_000; i++) {
      await vi.advanceTimersByTimeAsync(1); // 0 ms continuations and 50 ms marks only
    }
    expect(published).toHaveLength(1_000);
    expect(new Set(published).size).toBe(1_000);
    await relay.stop();
    expect(await store.pendingOutbox(10)).toEqual([]);
    await store.close();
  });
});
