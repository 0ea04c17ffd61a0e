/**
 * The shared limiter: priorities, queue depth, the rate split between instances, and close().
 */
import { describe, expect, it } from 'vitest';
import { AgencyError, minTimeMsFor } from '../../../adapters/agency/index.ts';
import { directPayment } from './fixtures.ts';
import { BASE_PATH, deferred, json, makeClient, stubFetch, timerTurns, until } from './helpers.ts';

describe('agency client: limiter', () => {
  it('minTime is 1000 / (requestsPerSecond / instances)', () => {
    expect(minTimeMsFor(20, 1)).toBe(50);
    expect(minTimeMsFor(20, 2)).toBe(100);
    expect(minTimeMsFor(200, 1)).toBe(5);
    expect(() => minTimeMsFor(0, 1)).toThrow(RangeError);
    expect(() => minTimeMsFor(10, 0)).toThrow(RangeError);
  });

  it('a queued poll waits behind a later money call', async () => {
    const gate = deferred();
    const order: string[] = [];
    const stub = stubFetch(async (url, init) => {
      const path = new URL(url).pathname.replace(BASE_PATH, '');
      order.push(`${init.method ?? 'GET'} ${path}`);
      if (order.length === 1) await gate.promise;
      if (path === '/invoice/action') return json(200, { accepted: 1, actions: [] });
      return json(200, []);
    });
    const client = makeClient({
      fetch: stub.fetch,
      rateLimit: { requestsPerSecond: 1000, maxConcurrent: 1, instances: 1 },
    });
    const blocker = client.getPayments({}, { priority: 'action' });
    await until(() => stub.calls.length === 1, 'the first call to be in flight');
    const poll = client.getPayments({}); // default priority: poll
    await until(() => client.limiterState().queued === 1, 'the poll to queue');
    const money = client.createActions(directPayment()); // DIRECTPAYMENT: money priority
    await until(() => client.limiterState().queued === 2, 'the money call to queue');
    await timerTurns(); // received → in its priority queue
    expect(client.limiterState()).toMatchObject({
      queued: 2,
      running: 1,
      pausedUntil: null,
      circuit: 'closed',
    });
    gate.resolve();
    await Promise.all([blocker, poll, money]);
    expect(order).toEqual(['GET /payments', 'POST /invoice/action', 'GET /payments']);
    await client.close();
  });

  it('close() cancels queued and in-flight calls with an aborted error, and later calls too', async () => {
    const stub = stubFetch(() => new Promise<Response>(() => {}));
    const client = makeClient({
      fetch: stub.fetch,
      rateLimit: { requestsPerSecond: 1000, maxConcurrent: 1, instances: 1 },
    });
    const inFlight = client.getPayments({}).catch((e: unknown) => e);
    await until(() => stub.calls.length === 1, 'the first call to be in flight');
    const queued = client.createActions(directPayment()).catch((e: unknown) => e);
    await until(() => client.limiterState().queued === 1, 'the second call to queue');
    await client.close();
    const [a, b] = (await Promise.all([inFlight, queued])) as AgencyError[];
    expect(a).toBeInstanceOf(AgencyError);
    expect(a).toMatchObject({ kind: 'aborted', retryable: false });
    expect(b).toMatchObject({ kind: 'aborted' });
    expect(stub.calls).toHaveLength(1);
    await expect(client.getPayments({})).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('a caller abort while queued removes the call without sending it', async () => {
    const gate = deferred();
    const stub = stubFetch(async () => {
      await gate.promise;
      return json(200, []);
    });
    const client = makeClient({
      fetch: stub.fetch,
      rateLimit: { requestsPerSecond: 1000, maxConcurrent: 1, instances: 1 },
    });
    const first = client.getPayments({});
    await until(() => stub.calls.length === 1, 'the first call to be in flight');
    const controller = new AbortController();
    const second = client.getPayments({}, { signal: controller.signal }).catch((e: unknown) => e);
    await until(() => client.limiterState().queued === 1, 'the second call to queue');
    controller.abort();
    expect(await second).toMatchObject({ kind: 'aborted' });
    gate.resolve();
    await first;
    await until(
      () => client.limiterState().queued === 0 && client.limiterState().running === 0,
      'the queue to drain',
    );
    expect(stub.calls).toHaveLength(1);
    await client.close();
  });
});
