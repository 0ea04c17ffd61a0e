/**
 * Circuit breaker as backpressure (RELIABILITY.md P5 shape): after N consecutive failures calls
 * fail fast without the network; after the open period one probe decides.
 */
import { describe, expect, it } from 'vitest';
import type { AgencyError } from '../../../adapters/agency/index.ts';
import { type BackpressureEvent } from '../../../adapters/agency/index.ts';
import { caseAnswer } from './fixtures.ts';
import { connectRefused, json, makeClient, manualSleep, stubFetch } from './helpers.ts';

describe('agency client: circuit breaker', () => {
  it('opens after the threshold, fails fast while open, probes once when half-open', async () => {
    let agencyUp = false;
    const stub = stubFetch(() => {
      if (!agencyUp) throw connectRefused();
      return json(200, caseAnswer);
    });
    const timers = manualSleep();
    const events: BackpressureEvent[] = [];
    const client = makeClient({
      fetch: stub.fetch,
      sleep: timers.sleep,
      retry: { retries: 0, minDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 60_000 },
      circuit: { failureThreshold: 3, openMs: 30_000 },
    });
    client.onBackpressure((e) => events.push(e));
    const kinds: string[] = [];
    const run = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await client.getCase({ caseId: String(i) }).then(
          () => kinds.push('ok'),
          (e: AgencyError) => kinds.push(e.kind),
        );
      }
    };

    await run(20);
    expect(stub.calls).toHaveLength(3); // ≤ threshold network calls; the rest failed fast
    expect(kinds.slice(0, 3)).toEqual(['not_sent', 'not_sent', 'not_sent']);
    expect(new Set(kinds.slice(3))).toEqual(new Set(['circuit_open']));
    expect(client.limiterState().circuit).toBe('open');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ paused: true });

    // open period over: half-open, calls may flow again; exactly one probe goes out
    timers.releaseAll();
    await new Promise((r) => setImmediate(r));
    expect(client.limiterState().circuit).toBe('half-open');
    expect(events.at(-1)).toMatchObject({ paused: false });
    const burst = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => client.getCase({ caseId: `p${i}` })),
    );
    expect(stub.calls).toHaveLength(4);
    const burstKinds = burst
      .map((r) => (r.status === 'rejected' ? (r.reason as AgencyError).kind : 'ok'))
      .sort();
    expect(burstKinds).toEqual([
      'circuit_open',
      'circuit_open',
      'circuit_open',
      'circuit_open',
      'not_sent',
    ]);
    expect(client.limiterState().circuit).toBe('open'); // the probe failed

    // agency back: the next probe closes the circuit
    agencyUp = true;
    timers.releaseAll();
    await new Promise((r) => setImmediate(r));
    await expect(client.getCase({ caseId: 'x' })).resolves.toMatchObject({ caseId: '12345' });
    expect(client.limiterState().circuit).toBe('closed');
    await run(5);
    expect(kinds.slice(-5)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(stub.calls).toHaveLength(10);
    await client.close();
  });

  it('4xx answers and successes reset the count; 5xx and auth failures add to it', async () => {
    const statuses = [500, 404, 500, 500, 200, 502, 401, 503];
    const stub = stubFetch((_url, _init, i) =>
      json(statuses[i] ?? 500, statuses[i] === 200 ? caseAnswer : { message: 'x' }),
    );
    const client = makeClient({
      fetch: stub.fetch,
      sleep: manualSleep().sleep,
      retry: { retries: 0, minDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 60_000 },
      circuit: { failureThreshold: 3, openMs: 30_000 },
    });
    const states: string[] = [];
    for (let i = 0; i < statuses.length; i++) {
      await client.getCase({ caseId: String(i) }).catch(() => {});
      states.push(client.limiterState().circuit);
    }
    expect(states).toEqual([
      'closed',
      'closed',
      'closed',
      'closed',
      'closed',
      'closed',
      'closed',
      'open',
    ]);
    await client.close();
  });
});
