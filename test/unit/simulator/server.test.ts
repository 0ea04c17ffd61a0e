import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../adapters/agency/simulator/index.ts';
import { invoiceBody, newSim } from './fixtures.ts';

describe('simulator over HTTP', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('serves the partner API and drops the connection after commit', async () => {
    const sim = newSim({ faults: { next: ['none', 'commit-then-drop'] } });
    server = await sim.listen({ port: 0 });
    expect(server.baseUrl).toBe(`http://127.0.0.1:${server.port}/api/v1/partner`);
    const post = (n: number) =>
      fetch(`${server!.baseUrl}/invoice`, {
        method: 'POST',
        headers: { 'x-api-key': 'sim-key', 'content-type': 'application/json' },
        body: JSON.stringify(invoiceBody(n)),
      });
    const ok = await post(1);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ invoiceNumber: 1, status: 'ACCEPTED' });

    const dropped = await post(2).then(
      () => null,
      (err: unknown) => err,
    );
    expect(dropped).toBeInstanceOf(TypeError);
    expect(sim.state().ledger[1]).toMatchObject({
      invoiceNumber: '2',
      committed: true,
      answered: false,
    });

    const retry = await post(2);
    expect(retry.status).toBe(409);
    expect(sim.state().invoiceCreates['2']).toEqual({ received: 2, committed: 1 });
  });

  it('answers the admin API without a key', async () => {
    const sim = newSim();
    server = await sim.listen();
    const res = await fetch(`http://127.0.0.1:${server.port}/_sim/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ days: 1 }),
    });
    expect(await res.json()).toMatchObject({ now: '2026-03-03T10:00:00.000Z' });
  });
});
