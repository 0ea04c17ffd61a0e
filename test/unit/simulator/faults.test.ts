import { describe, expect, it } from 'vitest';
import { SimulatedDropError } from '../../../adapters/agency/simulator/index.ts';
import { BASE, call, invoiceBody, newSim } from './fixtures.ts';

describe('simulator faults', () => {
  it('500 before commit: nothing is stored', async () => {
    const sim = newSim({ faults: { error500Rate: 1 } });
    expect(await call(sim, 'POST', '/invoice', invoiceBody(1))).toMatchObject({
      status: 500,
      body: { message: 'Internal Server Error' },
    });
    expect(sim.state().invoices).toEqual([]);
    expect(sim.state().ledger[0]).toMatchObject({
      status: 500,
      committed: false,
      answered: true,
      fault: 'error-500',
    });
  });

  it('503 and random 429 carry Retry-After', async () => {
    const sim = newSim({ faults: { error503Rate: 1, retryAfterSeconds: 3 } });
    const res503 = await call(sim, 'GET', '/validate');
    expect(res503.status).toBe(503);
    expect(res503.headers.get('retry-after')).toBe('3');
    sim.setFaults({ error503Rate: 0, random429Rate: 1 });
    const res429 = await call(sim, 'GET', '/validate');
    expect(res429.status).toBe(429);
    expect(res429.headers.get('retry-after')).toBe('3');
  });

  it('rate-limits per account with a token bucket', async () => {
    let realMs = 0;
    const sim = newSim({
      apiKeys: ['k1', 'k2'],
      rateLimit: { requestsPerSecond: 2, burst: 2 },
      realTimeMs: () => realMs,
    });
    const statuses = async (key: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++)
        out.push((await call(sim, 'GET', '/validate', undefined, key)).status);
      return out;
    };
    expect(await statuses('k1', 3)).toEqual([200, 200, 429]);
    expect(await statuses('k2', 1)).toEqual([200]);
    const limited = await call(sim, 'GET', '/validate', undefined, 'k1');
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body).toEqual({ message: 'Too Many Requests' });
    realMs += 500;
    expect(await statuses('k1', 2)).toEqual([200, 429]);
    expect(sim.state().requestCounts['GET /validate 429']).toBe(3);
  });

  it('forced 409 on create without committing', async () => {
    const sim = newSim({ faults: { conflict409Rate: 1 } });
    expect(await call(sim, 'POST', '/invoice', invoiceBody(1))).toMatchObject({
      status: 409,
      body: { message: 'Invoice number already exists' },
    });
    expect((await call(sim, 'GET', '/validate')).status).toBe(200);
    expect(sim.state().invoices).toEqual([]);
  });

  it('commit then 500: the invoice exists, a retry gets 409', async () => {
    const sim = newSim({ faults: { commitThen500Rate: 1 } });
    expect((await call(sim, 'POST', '/invoice', invoiceBody(1))).status).toBe(500);
    sim.setFaults({ commitThen500Rate: 0 });
    expect((await call(sim, 'POST', '/invoice', invoiceBody(1))).status).toBe(409);
    expect(sim.state().invoiceCreates['1']).toEqual({ received: 2, committed: 1 });
    expect(sim.state().ledger[0]).toMatchObject({
      status: 500,
      committed: true,
      fault: 'commit-then-500',
    });
  });

  it('does not apply commit faults to failed requests', async () => {
    const sim = newSim({ faults: { commitThenDropRate: 1 } });
    expect((await call(sim, 'GET', '/validate', undefined, null)).status).toBe(401);
  });

  it('commit then drop, in process: app.request rejects like fetch; the ledger shows committed, not answered', async () => {
    const sim = newSim({ faults: { commitThenDropRate: 1 } });
    const request = sim.app.request(`${BASE}/invoice`, {
      method: 'POST',
      headers: { 'x-api-key': 'sim-key', 'content-type': 'application/json' },
      body: JSON.stringify(invoiceBody(1)),
    });
    const err = await Promise.resolve(request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimulatedDropError);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toBe('fetch failed');
    const view = sim.state();
    expect(view.ledger[0]).toMatchObject({
      committed: true,
      answered: false,
      status: null,
      fault: 'commit-then-drop',
    });
    expect(view.requestCounts).toEqual({ 'POST /invoice dropped': 1 });
    expect(view.invoices).toHaveLength(1);
  });

  it('streams slow bodies in chunks, with pauses between them', async () => {
    const pauses: number[] = [];
    const sim = newSim({
      faults: { slowBodyRate: 1, slowBodyChunkBytes: 8, slowBodyChunkDelayMs: 25 },
      sleep: (ms) => {
        pauses.push(ms);
        return Promise.resolve();
      },
    });
    const res = await call(sim, 'GET', '/validate');
    expect(res.body).toEqual({ isValid: true, message: 'Token is valid' });
    const bytes = JSON.stringify(res.body).length;
    expect(pauses).toEqual(Array.from({ length: Math.ceil(bytes / 8) - 1 }, () => 25));
  });

  it('adds latency from a seeded uniform range, reproducibly', async () => {
    const run = async (seed: number) => {
      const pauses: number[] = [];
      const sim = newSim({
        seed,
        faults: { latencyMs: [100, 300] },
        sleep: (ms) => {
          pauses.push(ms);
          return Promise.resolve();
        },
      });
      for (let i = 0; i < 20; i++) await call(sim, 'GET', '/validate');
      return pauses;
    };
    const first = await run(7);
    expect(first).toHaveLength(20);
    expect(first.every((ms) => ms >= 100 && ms <= 300)).toBe(true);
    expect(new Set(first).size).toBeGreaterThan(1);
    expect(await run(7)).toEqual(first);
    expect(await run(8)).not.toEqual(first);
  });

  it('draws shares from the seed: same seed, same faults', async () => {
    const run = async (seed: number) => {
      const sim = newSim({ seed, faults: { error500Rate: 0.3, error503Rate: 0.2 } });
      const out: number[] = [];
      for (let i = 0; i < 60; i++) out.push((await call(sim, 'GET', '/validate')).status);
      return out;
    };
    const first = await run(42);
    expect(first.filter((s) => s === 500).length).toBeGreaterThan(5);
    expect(first.filter((s) => s === 503).length).toBeGreaterThan(3);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(20);
    expect(await run(42)).toEqual(first);
  });

  it('limits faults to the listed endpoints, and plays scripted faults in order', async () => {
    const sim = newSim({
      faults: { endpoints: ['POST /invoice'], next: ['none', 'error-503', 'conflict-409'] },
    });
    expect((await call(sim, 'GET', '/validate')).status).toBe(200);
    expect((await call(sim, 'POST', '/invoice', invoiceBody(1))).status).toBe(200);
    expect((await call(sim, 'POST', '/invoice', invoiceBody(2))).status).toBe(503);
    expect((await call(sim, 'POST', '/invoice', invoiceBody(2))).status).toBe(409);
    expect((await call(sim, 'POST', '/invoice', invoiceBody(2))).status).toBe(200);
  });

  it('rejects invalid fault settings', () => {
    const sim = newSim();
    expect(() => sim.setFaults({ error500Rate: 2 })).toThrow();
    expect(() => sim.setFaults({ endpoints: ['GET /nowhere' as never] })).toThrow();
  });
});
