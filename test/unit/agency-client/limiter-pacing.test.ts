/**
 * The limiter on its own: lanes by priority, the pacing bound (never more than two starts within
 * one minTime, however late the timers fire), concurrency, abort while queued, stop().
 */
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import {
  createAgencyLimiter,
  type AgencyLimiterOptions,
} from '../../../adapters/agency/limiter.ts';

function limiter(o: Partial<AgencyLimiterOptions> = {}) {
  return createAgencyLimiter({
    requestsPerSecond: 200,
    maxConcurrent: 50,
    instances: 1,
    now: Date.now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    closeSignal: new AbortController().signal,
    onPauseChange: () => {},
    ...o,
  });
}

function blockFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // a stalled event loop
  }
}

describe('agency limiter', () => {
  it('never starts more than two calls within one minTime, even after a stall', async () => {
    const l = limiter({ requestsPerSecond: 200 }); // minTime 5 ms
    const starts: number[] = [];
    const calls = Array.from({ length: 60 }, (_, i) =>
      l.schedule('action', () => {
        starts.push(performance.now());
        if (i === 20) blockFor(40); // the loop stalls: later starts must not burst
        return Promise.resolve(i);
      }),
    );
    await Promise.all(calls);
    for (let i = 2; i < starts.length; i++) {
      expect(starts[i]! - starts[i - 2]!, `starts ${i - 2}..${i}`).toBeGreaterThanOrEqual(4.9);
    }
    // Long run: N starts span at least (N - 2) slots.
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(58 * 5 - 1);
  });

  it('runs the money lane first, then create, action, poll; FIFO within a lane', async () => {
    const l = limiter({ requestsPerSecond: 1000, maxConcurrent: 1 });
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = l.schedule('poll', async () => {
      order.push('blocker');
      await gate;
    });
    const jobs = (['poll', 'action', 'create', 'money', 'action', 'money'] as const).map((p, i) =>
      l.schedule(p, () => {
        order.push(`${p}${i}`);
        return Promise.resolve();
      }),
    );
    expect(l.counts()).toEqual({ queued: 6, running: 1 });
    release();
    await Promise.all([first, ...jobs]);
    expect(order).toEqual([
      'blocker',
      'money3',
      'money5',
      'create2',
      'action1',
      'action4',
      'poll0',
    ]);
  });

  it('keeps at most maxConcurrent calls running', async () => {
    const l = limiter({ requestsPerSecond: 100_000, maxConcurrent: 3 });
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        l.schedule('create', async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 2));
          running--;
        }),
      ),
    );
    expect(peak).toBe(3);
  });

  it('a queued call whose signal aborts leaves the queue and never runs', async () => {
    const l = limiter({ requestsPerSecond: 1000, maxConcurrent: 1 });
    let release!: () => void;
    const blocker = l.schedule('poll', () => new Promise<void>((r) => (release = r)));
    const abort = new AbortController();
    let ran = false;
    const queued = l.schedule('money', () => ((ran = true), Promise.resolve()), abort.signal);
    expect(l.counts().queued).toBe(1);
    abort.abort(new Error('caller gave up'));
    await expect(queued).rejects.toThrow('caller gave up');
    expect(l.counts().queued).toBe(0);
    release();
    await blocker;
    await new Promise((r) => setTimeout(r, 10));
    expect(ran).toBe(false);
  });

  it('holds everything during a pause and resumes after it', async () => {
    const changes: (number | null)[] = [];
    const l = limiter({ requestsPerSecond: 1000, onPauseChange: (u) => changes.push(u) });
    l.pauseFor(60);
    const started = performance.now();
    let at = 0;
    await l.schedule('money', () => ((at = performance.now()), Promise.resolve()));
    expect(at - started).toBeGreaterThanOrEqual(50);
    expect(changes).toHaveLength(2);
    expect(changes[1]).toBeNull();
  });

  it('stop() rejects queued calls and refuses new ones', async () => {
    const l = limiter({ requestsPerSecond: 1000, maxConcurrent: 1 });
    let release!: () => void;
    const blocker = l.schedule('poll', () => new Promise<void>((r) => (release = r)));
    const queued = l.schedule('money', () => Promise.resolve());
    await l.stop();
    await expect(queued).rejects.toThrow(/closed/);
    await expect(l.schedule('money', () => Promise.resolve())).rejects.toThrow(/closed/);
    release();
    await blocker;
  });
});
